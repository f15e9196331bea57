//! A program that listens for a debugger on TCP (`mpdbg.listen()` or the
//! seed's `debugpy.listen()`, on a board over WiFi or on the built-in
//! MicroPython): the link is the socket. Ending the link leaves the program
//! running; it listens for the next client.
use super::{LinkStreams, Transport};
use anyhow::{anyhow, Context, Result};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::time::Duration;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

pub struct TcpTransport {
    stream: TcpStream,
    streams: Option<LinkStreams>,
}

impl TcpTransport {
    pub fn connect(host: &str, port: u16) -> Result<TcpTransport> {
        let addr = (host, port)
            .to_socket_addrs()
            .with_context(|| format!("cannot resolve {host}:{port}"))?
            .next()
            .ok_or_else(|| anyhow!("{host}:{port} has no address"))?;
        let stream = TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT).with_context(|| {
            format!(
                "nothing listens for a debugger on {host}:{port}: start the program with mpdbg.listen({port}) \
                 (or debugpy.listen) first; while a debugger is attached to it, it refuses others"
            )
        })?;
        stream.set_nodelay(true).ok();
        let reader = stream.try_clone()?;
        let writer = stream.try_clone()?;
        Ok(TcpTransport {
            stream,
            streams: Some(LinkStreams {
                reader: Box::new(reader),
                writer: Box::new(writer),
                stderr: None,
            }),
        })
    }
}

impl Transport for TcpTransport {
    fn take_streams(&mut self) -> Option<LinkStreams> {
        self.streams.take()
    }

    fn shutdown(&mut self) {
        self.stream.shutdown(Shutdown::Both).ok();
    }

    fn exit_code(&mut self) -> Option<i32> {
        None
    }

    fn process_id(&self) -> Option<u32> {
        None
    }
}

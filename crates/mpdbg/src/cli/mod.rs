//! Terminal front ends.
pub mod debug;
pub mod device_args;
pub mod run;

use crate::session::ProgressStep;

/// A long wait (the first build) as a line for the terminal, if it needs one.
pub fn progress_line(step: ProgressStep) -> Option<String> {
    match step {
        ProgressStep::Start { title } => Some(format!("mpdbg: {title}...")),
        ProgressStep::Update { message } => Some(format!("mpdbg: {message}")),
        ProgressStep::End { message } => message.map(|m| format!("mpdbg: {m}")),
    }
}

/// `HOST:PORT` (or `[v6]:PORT`) of a program that listens for a debugger,
/// or a board's serial port (`/dev/ttyACM0`, `COM3`, `auto`, `tcp:HOST:PORT`).
pub fn attach_config(address: &str, token: Option<String>) -> anyhow::Result<crate::session::AttachConfig> {
    use crate::target::DeviceSpec;
    let device = if address.contains('/') || !address.contains(':') || address.starts_with("tcp:") {
        match address.parse::<DeviceSpec>() {
            Ok(DeviceSpec::Tcp { host, port }) => return attach_config(&format!("[{host}]:{port}"), token),
            Ok(DeviceSpec::Local) => None,
            Ok(spec) => Some(spec),
            Err(e) => anyhow::bail!("{address:?} is neither HOST:PORT (for example 127.0.0.1:5678) nor a device: {e}"),
        }
    } else {
        None
    };
    if let Some(spec) = device {
        return Ok(crate::session::AttachConfig {
            device: Some(spec),
            project: std::env::current_dir().unwrap_or_default(),
            just_my_code: true,
            ..Default::default()
        });
    }
    let (host, port) = address
        .rsplit_once(':')
        .and_then(|(h, p)| Some((h.trim_start_matches('[').trim_end_matches(']'), p.parse().ok()?)))
        .ok_or_else(|| anyhow::anyhow!("{address:?} is not HOST:PORT (for example 127.0.0.1:5678)"))?;
    Ok(crate::session::AttachConfig {
        host: if host.is_empty() {
            "127.0.0.1".into()
        } else {
            host.into()
        },
        port,
        device: None,
        baud: None,
        token,
        stop_on_entry: false,
        project: std::env::current_dir().unwrap_or_default(),
        just_my_code: true,
        path_mappings: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn attach_addresses() {
        let c = super::attach_config("192.168.4.1:5678", None).unwrap();
        assert_eq!((c.host.as_str(), c.port), ("192.168.4.1", 5678));
        let c = super::attach_config("[::1]:9", Some("t".into())).unwrap();
        assert_eq!((c.host.as_str(), c.port, c.token.as_deref()), ("::1", 9, Some("t")));
        assert_eq!(super::attach_config(":5678", None).unwrap().host, "127.0.0.1");
        assert!(super::attach_config("nowhere", None).is_err());
        assert!(super::attach_config("h:port", None).is_err());
        let c = super::attach_config("/dev/ttyACM0", None).unwrap();
        assert_eq!(c.device, Some(crate::target::DeviceSpec::Port("/dev/ttyACM0".into())));
        assert_eq!(
            super::attach_config("COM3", None)
                .unwrap()
                .device
                .map(|d| d.to_string()),
            Some("COM3".into())
        );
        let c = super::attach_config("tcp:10.0.0.2:5678", None).unwrap();
        assert_eq!((c.host.as_str(), c.port, c.device), ("10.0.0.2", 5678, None));
    }
}

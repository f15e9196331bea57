//! Property-style round trips over many pseudo-random messages.

use std::io::{self, BufReader, Read, Write};
use std::sync::{Arc, Mutex};

use mpdbg_dap::*;
use serde_json::{json, Map, Value};

/// xorshift64*: deterministic, no dependencies.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn string(&mut self) -> String {
        const PIECES: &[&str] = &[
            "a",
            "Z",
            "0",
            " ",
            "\n",
            "\r\n",
            "\r\n\r\n",
            "\"",
            "\\",
            "\t",
            "\u{0}",
            "\u{1b}[31m",
            "é",
            "日本",
            "🐍",
            "Content-Length: 12\r\n\r\n",
            "{",
            "}",
            "seq",
            "\u{2028}",
        ];
        let n = self.below(12);
        (0..n)
            .map(|_| PIECES[self.below(PIECES.len() as u64) as usize])
            .collect()
    }
    fn int(&mut self) -> i64 {
        match self.below(4) {
            0 => 0,
            1 => self.below(100) as i64,
            2 => -(self.below(1000) as i64),
            _ => self.next() as i64,
        }
    }
    fn value(&mut self, depth: u32) -> Value {
        match self.below(if depth > 2 { 5 } else { 7 }) {
            0 => Value::Null,
            1 => Value::Bool(self.chance(50)),
            2 => json!(self.int()),
            3 => json!(self.below(1_000_000) as f64 / 8.0),
            4 => Value::String(self.string()),
            5 => Value::Array((0..self.below(4)).map(|_| self.value(depth + 1)).collect()),
            _ => {
                let mut m = Map::new();
                for _ in 0..self.below(5) {
                    m.insert(self.string(), self.value(depth + 1));
                }
                Value::Object(m)
            }
        }
    }
    fn object(&mut self) -> Value {
        let mut m = Map::new();
        for _ in 0..self.below(5) {
            m.insert(self.string(), self.value(1));
        }
        Value::Object(m)
    }
    fn message(&mut self) -> ProtocolMessage {
        let body = if self.chance(30) { Value::Null } else { self.object() };
        match self.below(3) {
            0 => ProtocolMessage::Request(Request {
                seq: 0,
                command: self.string(),
                arguments: body,
            }),
            1 => ProtocolMessage::Response(Response {
                seq: 0,
                request_seq: self.int(),
                success: self.chance(50),
                command: self.string(),
                message: self.chance(50).then(|| self.string()),
                body,
            }),
            _ => ProtocolMessage::Event(Event::raw(self.string(), body)),
        }
    }
}

#[derive(Clone, Default)]
struct SharedVec(Arc<Mutex<Vec<u8>>>);

impl Write for SharedVec {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Returns between 1 and 17 bytes per read.
struct Chunky {
    data: Vec<u8>,
    pos: usize,
    rng: Rng,
}

impl Read for Chunky {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let want = 1 + self.rng.below(17) as usize;
        let n = buf.len().min(want).min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[test]
fn thousands_of_random_messages_round_trip() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let out = SharedVec::default();
    let sender = DapSender::new(out.clone());
    let mut sent = Vec::new();
    for _ in 0..3000 {
        let mut m = rng.message();
        let seq = sender.send(m.clone()).unwrap();
        match &mut m {
            ProtocolMessage::Request(r) => r.seq = seq,
            ProtocolMessage::Response(r) => r.seq = seq,
            ProtocolMessage::Event(e) => e.seq = seq,
        }
        sent.push(m);
    }
    let bytes = out.0.lock().unwrap().clone();

    // Whole buffer at once, and through a reader that returns tiny chunks.
    for capacity in [8192, 5] {
        let chunky = Chunky {
            data: bytes.clone(),
            pos: 0,
            rng: Rng(capacity as u64 + 1),
        };
        let mut reader = DapReader::new(BufReader::with_capacity(capacity, chunky));
        let mut got = Vec::new();
        while let Some(m) = reader.read_message().unwrap() {
            got.push(m);
        }
        assert_eq!(got.len(), sent.len());
        for (a, b) in got.iter().zip(&sent) {
            assert_eq!(a, b);
        }
    }
}

#[test]
fn corrupted_frames_never_panic_and_good_frames_survive() {
    let mut rng = Rng(42);
    let (mut total_read, mut total_good) = (0, 0);
    for round in 0..200 {
        let mut bytes = Vec::new();
        let mut good = Vec::new();
        for i in 0..10 {
            let seq = round * 100 + i;
            let mut m = rng.message();
            match &mut m {
                ProtocolMessage::Request(r) => r.seq = seq,
                ProtocolMessage::Response(r) => r.seq = seq,
                ProtocolMessage::Event(e) => e.seq = seq,
            }
            let mut f = encode_frame(&serde_json::to_vec(&m).unwrap());
            if rng.chance(30) {
                // Corrupt one byte somewhere in the frame.
                let i = rng.below(f.len() as u64) as usize;
                f[i] = rng.below(256) as u8;
            } else if rng.chance(10) {
                f.truncate(rng.below(f.len() as u64) as usize);
            } else {
                good.push(m);
            }
            bytes.extend(f);
        }
        let mut reader = DapReader::new(io::Cursor::new(bytes));
        let mut read = Vec::new();
        let mut steps = 0;
        loop {
            steps += 1;
            assert!(steps < 1000, "round {round}: reader does not progress");
            match reader.read_message() {
                Ok(Some(m)) => read.push(m),
                Ok(None) => break,
                Err(e) if e.is_recoverable() => {}
                Err(_) => {
                    assert!(reader.read_message().unwrap().is_none());
                    break;
                }
            }
        }
        // A corrupted length can swallow a neighbour; most good frames survive.
        let survived = good.iter().filter(|m| read.contains(m)).count();
        assert!(
            survived * 2 >= good.len(),
            "round {round}: {survived} of {}",
            good.len()
        );
        total_read += survived;
        total_good += good.len();
    }
    assert!(total_read * 100 >= total_good * 97, "{total_read} of {total_good}");
}

#[test]
fn typed_bodies_round_trip() {
    let mut rng = Rng(7);
    for _ in 0..500 {
        let opt_s = |rng: &mut Rng| rng.chance(50).then(|| rng.string());
        let bp = SourceBreakpoint {
            line: rng.int(),
            column: rng.chance(50).then(|| rng.int()),
            condition: opt_s(&mut rng),
            hit_condition: opt_s(&mut rng),
            log_message: opt_s(&mut rng),
            mode: opt_s(&mut rng),
        };
        let args = SetBreakpointsArguments {
            source: Source {
                name: opt_s(&mut rng),
                path: opt_s(&mut rng),
                source_reference: rng.chance(50).then(|| rng.int()),
                ..Source::default()
            },
            breakpoints: vec![bp.clone(), bp],
            lines: None,
            source_modified: rng.chance(50).then(|| rng.chance(50)),
        };
        let req = Request::new("setBreakpoints", serde_json::to_value(&args).unwrap());
        let wire = serde_json::to_vec(&ProtocolMessage::Request(req)).unwrap();
        let ProtocolMessage::Request(back) = decode_message(&wire).unwrap() else {
            panic!()
        };
        assert_eq!(back.parse().unwrap(), Command::SetBreakpoints(args));

        let var = Variable {
            name: rng.string(),
            value: rng.string(),
            type_: opt_s(&mut rng),
            evaluate_name: opt_s(&mut rng),
            variables_reference: rng.int(),
            named_variables: rng.chance(50).then(|| rng.int()),
            indexed_variables: rng.chance(50).then(|| rng.int()),
            presentation_hint: rng.chance(50).then(|| VariablePresentationHint {
                kind: opt_s(&mut rng),
                ..Default::default()
            }),
            memory_reference: None,
        };
        let v = serde_json::to_value(&var).unwrap();
        assert!(v.as_object().unwrap().values().all(|x| !x.is_null()));
        assert_eq!(serde_json::from_value::<Variable>(v).unwrap(), var);
    }
}

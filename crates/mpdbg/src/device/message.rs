//! Typed messages of the device protocol (docs/protocol.md).
use super::fields::{parse, Payload};

/// A value as the agent reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceValue {
    /// Type name, or `-` for an unbound slot.
    pub type_name: String,
    pub repr: String,
    /// Reference for expanding children; 0 when there are none.
    pub reference: u32,
    /// `len()` of the value, or -1.
    pub length: i64,
}

impl DeviceValue {
    pub fn is_unbound(&self) -> bool {
        self.type_name == "-"
    }
}

/// One frame of the device's stack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceFrame {
    pub file: String,
    pub name: String,
    pub line: u32,
    pub def_line: u32,
}

/// A frame's locals as raw slots, with the code facts that name them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Locals {
    pub n_locals: u32,
    pub n_pos_args: u32,
    pub n_kwonly_args: u32,
    pub scope_flags: u8,
    pub arg_names: Vec<String>,
    pub def_line: u32,
    pub cell_mask: u128,
    pub slots: Vec<DeviceValue>,
}

/// What the device sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeviceMessage {
    /// An attach's first message: prove you know the token (if required).
    Challenge {
        nonce: String,
        token_required: bool,
    },
    Hello {
        protocol: String,
        agent: String,
        implementation: String,
        platform: String,
        features: String,
    },
    Stopped {
        reason: String,
        depth: u32,
        text: String,
    },
    Stack {
        id: u32,
        total: u32,
        frames: Vec<DeviceFrame>,
    },
    Locals {
        id: u32,
        locals: Locals,
    },
    Named {
        id: u32,
        total: u32,
        items: Vec<(String, DeviceValue)>,
    },
    Evaluated {
        id: u32,
        result: Result<DeviceValue, String>,
    },
    Ack {
        id: u32,
        ok: bool,
        message: String,
    },
    Ended {
        how: String,
        code: i32,
        text: String,
    },
    AgentMessage(String),
    /// A message type this host does not know (a newer agent).
    Unknown(u8),
}

impl DeviceMessage {
    /// The request id a reply answers, if it is a reply.
    pub fn reply_id(&self) -> Option<u32> {
        match self {
            DeviceMessage::Stack { id, .. }
            | DeviceMessage::Locals { id, .. }
            | DeviceMessage::Named { id, .. }
            | DeviceMessage::Evaluated { id, .. }
            | DeviceMessage::Ack { id, .. } => Some(*id),
            _ => None,
        }
    }
}

struct Fields {
    items: std::vec::IntoIter<Vec<u8>>,
}

impl Fields {
    fn text(&mut self) -> Result<String, String> {
        let b = self.items.next().ok_or("device message is missing a field")?;
        Ok(String::from_utf8_lossy(&b).into_owned())
    }

    fn int<T: std::str::FromStr>(&mut self) -> Result<T, String> {
        let t = self.text()?;
        t.trim()
            .parse()
            .map_err(|_| format!("device sent {t:?} where a number belongs"))
    }

    fn more(&self) -> bool {
        self.items.len() > 0
    }

    fn value(&mut self) -> Result<DeviceValue, String> {
        Ok(DeviceValue {
            type_name: self.text()?,
            repr: self.text()?,
            reference: self.int()?,
            length: self.int()?,
        })
    }
}

fn split_names(s: &str) -> Vec<String> {
    if s.is_empty() {
        Vec::new()
    } else {
        s.split(',').map(str::to_string).collect()
    }
}

/// Decodes one frame payload from the device.
pub fn decode(payload: &[u8]) -> Result<DeviceMessage, String> {
    let (kind, items) = parse(payload)?;
    let mut f = Fields {
        items: items.into_iter(),
    };
    let msg = match kind {
        b'A' => DeviceMessage::Challenge {
            nonce: f.text()?,
            token_required: f.text()? == "1",
        },
        b'H' => DeviceMessage::Hello {
            protocol: f.text()?,
            agent: f.text()?,
            implementation: f.text()?,
            platform: f.text()?,
            features: f.text()?,
        },
        b'S' => DeviceMessage::Stopped {
            reason: f.text()?,
            depth: f.int()?,
            text: f.text()?,
        },
        b'K' => {
            let id = f.int()?;
            let total = f.int()?;
            let mut frames = Vec::new();
            while f.more() {
                frames.push(DeviceFrame {
                    file: f.text()?,
                    name: f.text()?,
                    line: f.int()?,
                    def_line: f.int()?,
                });
            }
            DeviceMessage::Stack { id, total, frames }
        }
        b'V' => {
            let id = f.int()?;
            let mut locals = Locals {
                n_locals: f.int()?,
                n_pos_args: f.int()?,
                n_kwonly_args: f.int()?,
                scope_flags: f.int()?,
                arg_names: split_names(&f.text()?),
                def_line: f.int()?,
                cell_mask: f.int()?,
                slots: Vec::new(),
            };
            while f.more() {
                locals.slots.push(f.value()?);
            }
            DeviceMessage::Locals { id, locals }
        }
        b'W' => {
            let id = f.int()?;
            let total = f.int()?;
            let mut items = Vec::new();
            while f.more() {
                items.push((f.text()?, f.value()?));
            }
            DeviceMessage::Named { id, total, items }
        }
        b'E' => {
            let id = f.int()?;
            let ok: u8 = f.int()?;
            let result = if ok == 1 { Ok(f.value()?) } else { Err(f.text()?) };
            DeviceMessage::Evaluated { id, result }
        }
        b'R' => DeviceMessage::Ack {
            id: f.int()?,
            ok: f.int::<u8>()? == 1,
            message: f.text()?,
        },
        b'D' => DeviceMessage::Ended {
            how: f.text()?,
            code: f.int()?,
            text: f.text()?,
        },
        b'M' => DeviceMessage::AgentMessage(f.text()?),
        other => DeviceMessage::Unknown(other),
    };
    Ok(msg)
}

/// What the host asks; `encode` adds the request id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// Per breakpoint: line, condition, slot names, call line of its code object.
    SetBreakpoints {
        file: String,
        lines: Vec<(u32, String, Vec<String>, u32)>,
    },
    ExceptionFilters {
        raised: bool,
        uncaught: bool,
    },
    Continue,
    Next,
    StepIn,
    StepOut,
    Pause,
    Stack {
        start: u32,
        count: u32,
    },
    Locals {
        frame: u32,
    },
    Globals {
        frame: u32,
    },
    Children {
        reference: u32,
        start: u32,
        count: u32,
    },
    Evaluate {
        frame: u32,
        statement: bool,
        text: String,
        names: Vec<String>,
    },
    Set {
        frame: u32,
        target: SetTarget,
        text: String,
        names: Vec<String>,
    },
    Detach,
    Terminate,
    /// Bytes for the program's stdin; empty: the end of its input.
    Input(Vec<u8>),
    /// Interrupt what the agent runs for the host (an evaluation, a repr).
    Cancel,
    /// The answer to an attach's challenge: HMAC-SHA256(token, nonce), hex.
    Prove(String),
}

/// The most program input one `Input` request carries.
pub const INPUT_CHUNK: usize = 4096;

/// Where `Request::Set` writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SetTarget {
    Slot(u32),
    Global(String),
    /// A child of a reference: index, dict key repr or attribute name.
    Child {
        reference: u32,
        key: String,
    },
}

impl Request {
    pub fn encode(&self, id: u32) -> Vec<u8> {
        let id = id.to_string();
        let p = |k: u8| Payload::new(k).field(&id);
        let n = |v: u32| v.to_string();
        match self {
            Request::SetBreakpoints { file, lines } => {
                let mut pl = p(b'B').field(file);
                for (line, cond, names, call_line) in lines {
                    pl = pl
                        .field(n(*line))
                        .field(cond)
                        .field(names.join(","))
                        .field(n(*call_line));
                }
                pl
            }
            Request::ExceptionFilters { raised, uncaught } => {
                let mut s = String::new();
                if *raised {
                    s.push('r');
                }
                if *uncaught {
                    s.push('u');
                }
                p(b'X').field(s)
            }
            Request::Continue => p(b'C'),
            Request::Next => p(b'N'),
            Request::StepIn => p(b'I'),
            Request::StepOut => p(b'O'),
            Request::Pause => p(b'P'),
            Request::Stack { start, count } => p(b'T').field(n(*start)).field(n(*count)),
            Request::Locals { frame } => p(b'L').field(n(*frame)),
            Request::Globals { frame } => p(b'G').field(n(*frame)),
            Request::Children {
                reference,
                start,
                count,
            } => p(b'A').field(n(*reference)).field(n(*start)).field(n(*count)),
            Request::Evaluate {
                frame,
                statement,
                text,
                names,
            } => p(b'E')
                .field(n(*frame))
                .field(if *statement { "x" } else { "e" })
                .field(text)
                .field(names.join(",")),
            Request::Set {
                frame,
                target,
                text,
                names,
            } => {
                let (t, key) = match target {
                    SetTarget::Slot(k) => ("s".to_string(), k.to_string()),
                    SetTarget::Global(g) => ("g".to_string(), g.clone()),
                    SetTarget::Child { reference, key } => (reference.to_string(), key.clone()),
                };
                p(b'S')
                    .field(n(*frame))
                    .field(t)
                    .field(key)
                    .field(text)
                    .field(names.join(","))
            }
            Request::Detach => p(b'Q'),
            Request::Terminate => p(b'Z'),
            Request::Input(data) => p(b'U').field(data),
            Request::Cancel => p(b'J'),
            Request::Prove(proof) => p(b'A').field(proof),
        }
        .into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_locals_with_unbound_and_cells() {
        let p = Payload::new(b'V')
            .fields(["7", "3", "1", "0", "0", "a,b", "12", "4"])
            .fields(["int", "1", "0", "-1"])
            .fields(["-", "", "0", "-1"])
            .fields(["list", "[1, 2]", "1", "2"])
            .into_bytes();
        let DeviceMessage::Locals { id, locals } = decode(&p).unwrap() else {
            panic!("not locals")
        };
        assert_eq!(id, 7);
        assert_eq!(locals.arg_names, vec!["a", "b"]);
        assert_eq!(locals.cell_mask, 4);
        assert!(locals.slots[1].is_unbound());
        assert_eq!(locals.slots[2].reference, 1);
    }

    #[test]
    fn bad_messages_are_errors_not_panics() {
        for bad in [&b"K1:x"[..], b"V1:1", b"E1:11:1", b"S", b""] {
            assert!(decode(bad).is_err(), "{bad:?}");
        }
        assert_eq!(decode(b"Z").unwrap(), DeviceMessage::Unknown(b'Z'));
    }

    #[test]
    fn encodes_requests() {
        let r = Request::SetBreakpoints {
            file: "/a.py".into(),
            lines: vec![(3, "i == 2".into(), vec!["i".into()], 1)],
        };
        assert_eq!(r.encode(5), b"B1:55:/a.py1:36:i == 21:i1:1".to_vec());
    }
}

//! Parsing the recorders' output into per-frame segments.

use std::collections::BTreeMap;

/// One `line` event on CPython: line and bound locals (name -> repr).
#[derive(Clone, Debug)]
pub struct CpEvent {
    pub line: u32,
    pub locals: BTreeMap<String, String>,
}

/// One frame activation on CPython (a generator resume is its own segment).
#[derive(Clone, Debug)]
pub struct CpSeg {
    pub name: String,
    pub first_line: u32,
    pub argnames: Vec<String>,
    pub freevars: Vec<String>,
    pub cellvars: Vec<String>,
    pub events: Vec<CpEvent>,
}

#[derive(Clone, Debug)]
pub struct MpInfo {
    pub n_locals: u32,
    pub n_pos_args: u32,
    pub n_kwonly_args: u32,
    pub flags: u8,
    pub argnames: Vec<String>,
    pub def_line: u32,
    /// Slots holding cells.
    pub cells: Vec<u32>,
}

/// One `line` event on MicroPython: line and raw slot values (None = unbound).
#[derive(Clone, Debug)]
pub struct MpEvent {
    pub line: u32,
    pub slots: Vec<Option<String>>,
}

#[derive(Clone, Debug)]
pub struct MpSeg {
    pub name: String,
    pub call_line: u32,
    pub info: Option<MpInfo>,
    pub co_lines: Option<Vec<u32>>,
    pub events: Vec<MpEvent>,
}

fn num(s: Option<&str>) -> u32 {
    s.and_then(|x| x.parse().ok()).unwrap_or(0)
}

fn names(s: Option<&str>) -> Vec<String> {
    match s {
        None | Some("") => Vec::new(),
        Some(x) => x.split(',').map(str::to_string).collect(),
    }
}

/// Bits set in a non-negative decimal integer of any size.
fn bits_of_decimal(s: &str) -> Vec<u32> {
    let mut digits: Vec<u32> = s
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| u32::from(b - b'0'))
        .collect();
    let mut bits = Vec::new();
    let mut k = 0;
    while digits.iter().any(|&d| d != 0) {
        let mut rem = 0;
        for d in digits.iter_mut() {
            let cur = rem * 10 + *d;
            *d = cur / 2;
            rem = cur % 2;
        }
        if rem == 1 {
            bits.push(k);
        }
        k += 1;
    }
    bits
}

pub fn parse_cpython(out: &str) -> Vec<CpSeg> {
    let mut segs: Vec<CpSeg> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for line in out.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        match f.first().copied() {
            Some("C") => {
                index.insert(f[1].to_string(), segs.len());
                segs.push(CpSeg {
                    name: f.get(2).unwrap_or(&"").to_string(),
                    first_line: num(f.get(4).copied()),
                    argnames: names(f.get(5).copied()),
                    freevars: names(f.get(6).copied()),
                    cellvars: names(f.get(7).copied()),
                    events: Vec::new(),
                });
            }
            Some("L") => {
                let Some(&i) = index.get(f[1]) else { continue };
                let mut locals = BTreeMap::new();
                let mut k = 3;
                while k + 1 < f.len() {
                    locals.insert(f[k].to_string(), f[k + 1].to_string());
                    k += 2;
                }
                segs[i].events.push(CpEvent {
                    line: num(f.get(2).copied()),
                    locals,
                });
            }
            _ => {}
        }
    }
    segs
}

pub fn parse_micropython(out: &str) -> (Vec<MpSeg>, Vec<String>) {
    let mut segs: Vec<MpSeg> = Vec::new();
    let mut errors = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for line in out.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        match f.first().copied() {
            Some("C") => {
                index.insert(f[1].to_string(), segs.len());
                segs.push(MpSeg {
                    name: f.get(2).unwrap_or(&"").to_string(),
                    call_line: num(f.get(3).copied()),
                    info: None,
                    co_lines: None,
                    events: Vec::new(),
                });
            }
            Some("I") => {
                let Some(&i) = index.get(f[1]) else { continue };
                segs[i].info = Some(MpInfo {
                    n_locals: num(f.get(2).copied()),
                    n_pos_args: num(f.get(3).copied()),
                    n_kwonly_args: num(f.get(4).copied()),
                    flags: num(f.get(5).copied()) as u8,
                    argnames: names(f.get(6).copied()),
                    def_line: num(f.get(8).copied()),
                    cells: bits_of_decimal(f.get(9).unwrap_or(&"0")),
                });
            }
            Some("X") => {
                let Some(&i) = index.get(f[1]) else { continue };
                let lines = f
                    .get(2)
                    .unwrap_or(&"")
                    .split_whitespace()
                    .map(|x| num(Some(x)))
                    .collect();
                segs[i].co_lines = Some(lines);
            }
            Some("L") => {
                let Some(&i) = index.get(f[1]) else { continue };
                let slots = f[3..]
                    .iter()
                    .map(|v| if *v == "~" { None } else { Some(v.to_string()) })
                    .collect();
                segs[i].events.push(MpEvent {
                    line: num(f.get(2).copied()),
                    slots,
                });
            }
            Some("E") => errors.push(line.to_string()),
            _ => {}
        }
    }
    (segs, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_cellmask() {
        assert_eq!(bits_of_decimal("1024"), vec![10]);
        assert_eq!(bits_of_decimal("0"), Vec::<u32>::new());
        // 2**130 + 1
        assert_eq!(
            bits_of_decimal("1361129467683753853853498429727072845825"),
            vec![0, 130]
        );
    }
}

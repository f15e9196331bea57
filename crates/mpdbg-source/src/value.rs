//! Constant values and the arithmetic MicroPython's parser folds at compile
//! time (`fold_constants` in `py/parse.c`).

use std::rc::Rc;

/// A compile-time constant.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Int(i128),
    /// An integer too large for `i128`: kept as "some big int" (never zero).
    BigInt,
    Float(f64),
    Complex,
    Str(Rc<[u8]>),
    Bytes(Rc<[u8]>),
    Tuple(Rc<[Value]>),
    None,
    Bool(bool),
    Ellipsis,
}

/// Binary operators that can be folded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BinOp {
    Or,
    Xor,
    And,
    LShift,
    RShift,
    Add,
    Sub,
    Mul,
    MatMul,
    TrueDiv,
    FloorDiv,
    Mod,
    Pow,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UnOp {
    Pos,
    Neg,
    Invert,
}

impl Value {
    /// Python truthiness, when it is known.
    pub fn truth(&self) -> Option<bool> {
        Some(match self {
            Value::Int(i) => *i != 0,
            Value::BigInt => true,
            Value::Float(f) => *f != 0.0,
            Value::Complex => return None,
            Value::Str(s) | Value::Bytes(s) => !s.is_empty(),
            Value::Tuple(t) => !t.is_empty(),
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Ellipsis => true,
        })
    }

    fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }
}

fn floor_div(a: i128, b: i128) -> Option<i128> {
    if b == 0 {
        return None;
    }
    let q = a.checked_div(b)?;
    if (a % b != 0) && ((a < 0) != (b < 0)) {
        q.checked_sub(1)
    } else {
        Some(q)
    }
}

fn py_mod(a: i128, b: i128) -> Option<i128> {
    if b == 0 {
        return None;
    }
    let r = a.checked_rem(b)?;
    if r != 0 && ((r < 0) != (b < 0)) {
        Some(r + b)
    } else {
        Some(r)
    }
}

fn float_floor_div(a: f64, b: f64) -> Option<f64> {
    if b == 0.0 {
        return None;
    }
    Some((a / b).floor())
}

fn float_mod(a: f64, b: f64) -> Option<f64> {
    if b == 0.0 {
        return None;
    }
    let r = a % b;
    if r != 0.0 && ((r < 0.0) != (b < 0.0)) {
        Some(r + b)
    } else {
        Some(r)
    }
}

/// Apply a binary operator to two numbers the way MicroPython's runtime would;
/// `None` when the operation raises (and so is not folded).
pub(crate) fn binary(op: BinOp, a: &Value, b: &Value) -> Option<Value> {
    // Big ints: their value is not tracked. Integer arithmetic on them folds
    // (to another big int, as far as we know); anything that might raise or
    // produce a float is left unfolded.
    if matches!(a, Value::BigInt) || matches!(b, Value::BigInt) {
        let int_like = |v: &Value| matches!(v, Value::Int(_) | Value::BigInt);
        if !int_like(a) || !int_like(b) {
            return None;
        }
        return match op {
            BinOp::MatMul | BinOp::TrueDiv => None,
            BinOp::FloorDiv | BinOp::Mod if matches!(b, Value::Int(0)) => None,
            BinOp::LShift | BinOp::RShift | BinOp::Pow if matches!(b, Value::Int(i) if *i < 0) => None,
            _ => Some(Value::BigInt),
        };
    }
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => {
            let (x, y) = (*x, *y);
            let r = match op {
                BinOp::Or => x | y,
                BinOp::Xor => x ^ y,
                BinOp::And => x & y,
                BinOp::LShift => {
                    if y < 0 {
                        return None;
                    }
                    if y >= 127 {
                        return if x == 0 {
                            Some(Value::Int(0))
                        } else {
                            Some(Value::BigInt)
                        };
                    }
                    match x.checked_mul(1i128 << y) {
                        Some(v) => v,
                        None => return Some(Value::BigInt),
                    }
                }
                BinOp::RShift => {
                    if y < 0 {
                        return None;
                    }
                    if y >= 127 {
                        if x < 0 {
                            -1
                        } else {
                            0
                        }
                    } else {
                        x >> y
                    }
                }
                BinOp::Add => match x.checked_add(y) {
                    Some(v) => v,
                    None => return Some(Value::BigInt),
                },
                BinOp::Sub => match x.checked_sub(y) {
                    Some(v) => v,
                    None => return Some(Value::BigInt),
                },
                BinOp::Mul => match x.checked_mul(y) {
                    Some(v) => v,
                    None => return Some(Value::BigInt),
                },
                BinOp::MatMul => return None,
                BinOp::TrueDiv => {
                    if y == 0 {
                        return None;
                    }
                    return Some(Value::Float(x as f64 / y as f64));
                }
                BinOp::FloorDiv => floor_div(x, y)?,
                BinOp::Mod => py_mod(x, y)?,
                BinOp::Pow => {
                    if y < 0 {
                        if x == 0 {
                            return None;
                        }
                        return Some(Value::Float((x as f64).powf(y as f64)));
                    }
                    let e = u32::try_from(y).unwrap_or(u32::MAX);
                    match x.checked_pow(e) {
                        Some(v) => v,
                        None => return Some(Value::BigInt),
                    }
                }
            };
            Some(Value::Int(r))
        }
        _ => {
            let x = a.as_f64()?;
            let y = b.as_f64()?;
            let r = match op {
                BinOp::Add => x + y,
                BinOp::Sub => x - y,
                BinOp::Mul => x * y,
                BinOp::TrueDiv => {
                    if y == 0.0 {
                        return None;
                    }
                    x / y
                }
                BinOp::FloorDiv => float_floor_div(x, y)?,
                BinOp::Mod => float_mod(x, y)?,
                BinOp::Pow => {
                    if x == 0.0 && y < 0.0 {
                        return None;
                    }
                    if x < 0.0 && y.fract() != 0.0 {
                        // Result would be complex: not folded.
                        return None;
                    }
                    x.powf(y)
                }
                _ => return None,
            };
            Some(Value::Float(r))
        }
    }
}

pub(crate) fn unary(op: UnOp, a: &Value) -> Option<Value> {
    match (op, a) {
        (_, Value::BigInt) => Some(Value::BigInt),
        (UnOp::Pos, Value::Int(_) | Value::Float(_)) => Some(a.clone()),
        (UnOp::Neg, Value::Int(i)) => Some(i.checked_neg().map(Value::Int).unwrap_or(Value::BigInt)),
        (UnOp::Neg, Value::Float(f)) => Some(Value::Float(-f)),
        (UnOp::Invert, Value::Int(i)) => Some(Value::Int(!i)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_division_semantics() {
        assert_eq!(
            binary(BinOp::FloorDiv, &Value::Int(-7), &Value::Int(2)),
            Some(Value::Int(-4))
        );
        assert_eq!(binary(BinOp::Mod, &Value::Int(-7), &Value::Int(2)), Some(Value::Int(1)));
        assert_eq!(
            binary(BinOp::TrueDiv, &Value::Int(1), &Value::Int(2)),
            Some(Value::Float(0.5))
        );
        assert_eq!(binary(BinOp::TrueDiv, &Value::Int(1), &Value::Int(0)), None);
        assert_eq!(
            binary(BinOp::Pow, &Value::Int(2), &Value::Int(-1)),
            Some(Value::Float(0.5))
        );
        assert_eq!(binary(BinOp::LShift, &Value::Int(1), &Value::Int(-1)), None);
        assert_eq!(binary(BinOp::MatMul, &Value::Int(1), &Value::Int(1)), None);
    }

    #[test]
    fn overflow_becomes_big_int() {
        assert_eq!(
            binary(BinOp::Pow, &Value::Int(10), &Value::Int(50)),
            Some(Value::BigInt)
        );
        assert_eq!(unary(UnOp::Invert, &Value::Float(1.0)), None);
    }
}

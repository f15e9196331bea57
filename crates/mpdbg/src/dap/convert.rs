//! Session views to DAP bodies, and DAP arguments to session calls.
use crate::session::{BreakpointResult, FunctionBreakpointRequest, PlainRun, Session, VarView};
use anyhow::{anyhow, bail, Result};
use mpdbg_dap::{
    CompletionsArguments, EvaluateArguments, EvaluateContext, ScopesArguments, SetExpressionArguments,
    SetFunctionBreakpointsArguments, SetVariableArguments, SourceArguments, StackTraceArguments, VariablesArguments,
};
use serde_json::{json, Value};

/// DAP frame ids are the stack index plus one (valid for one stop).
fn frame_index(id: i64) -> Result<usize> {
    usize::try_from(id)
        .ok()
        .and_then(|i| i.checked_sub(1))
        .ok_or_else(|| anyhow!("no frame with id {id}"))
}

pub fn breakpoint(r: &BreakpointResult, path: &str) -> Value {
    let mut b = json!({
        "id": r.id,
        "verified": r.verified,
        "line": r.line,
        "source": { "path": path, "name": path.rsplit('/').next().unwrap_or(path) },
    });
    if let Some(m) = &r.message {
        b["message"] = json!(m);
    }
    b
}

pub fn stack_trace(s: &Session, args: &StackTraceArguments) -> Result<Value> {
    let start = usize::try_from(args.start_frame.unwrap_or(0)).unwrap_or(0);
    let levels = args.levels.and_then(|l| usize::try_from(l).ok()).filter(|&l| l > 0);
    let (frames, total) = s.stack(start, levels)?;
    let frames: Vec<Value> = frames
        .iter()
        .map(|f| {
            let source = match &f.path {
                Some(p) => json!({ "path": p.display().to_string(), "name": p.file_name().map(|n| n.to_string_lossy().into_owned()) }),
                None => json!({
                    "name": f.device_file.rsplit('/').next().unwrap_or(&f.device_file),
                    "sourceReference": f.source_reference,
                    "presentationHint": "deemphasize",
                    "origin": format!("on the device only: {} (read-only)", f.device_file),
                }),
            };
            json!({ "id": f.index + 1, "name": f.name, "source": source, "line": f.line, "column": 1 })
        })
        .collect();
    Ok(json!({ "stackFrames": frames, "totalFrames": total }))
}

pub fn scopes(s: &Session, args: &ScopesArguments) -> Result<Value> {
    let scopes: Vec<Value> = s
        .scopes(frame_index(args.frame_id)?)?
        .into_iter()
        .map(|sc| {
            json!({
                "name": sc.name,
                "variablesReference": sc.reference,
                "expensive": sc.expensive,
                "presentationHint": if sc.name == "Locals" { "locals" } else { "globals" },
            })
        })
        .collect();
    Ok(json!({ "scopes": scopes }))
}

fn variable(v: &VarView) -> Value {
    let mut out = json!({
        "name": v.name,
        "value": v.value,
        "type": v.type_name,
        "variablesReference": v.reference,
    });
    if let Some(n) = v.indexed {
        out["indexedVariables"] = json!(n);
    }
    if let Some(n) = v.named {
        out["namedVariables"] = json!(n);
    }
    out
}

pub fn variables(s: &Session, args: &VariablesArguments) -> Result<Value> {
    let start = usize::try_from(args.start.unwrap_or(0)).unwrap_or(0);
    let count = args.count.and_then(|c| usize::try_from(c).ok()).filter(|&c| c > 0);
    let vars: Vec<Value> = s
        .variables(args.variables_reference, start, count)?
        .iter()
        .map(variable)
        .collect();
    Ok(json!({ "variables": vars }))
}

/// `noDebug`: the debug console's lines are the program's input; there is
/// nothing else to evaluate.
pub fn evaluate_without_debugger(run: &PlainRun, args: &EvaluateArguments) -> Result<Value> {
    if !matches!(args.context, Some(EvaluateContext::Repl)) {
        bail!("the program runs without the debugger (noDebug): there is nothing to evaluate");
    }
    run.send_input(format!("{}\n", args.expression).as_bytes())?;
    Ok(json!({ "result": "", "variablesReference": 0 }))
}

pub fn evaluate(s: &Session, args: &EvaluateArguments) -> Result<Value> {
    let repl = matches!(args.context, Some(EvaluateContext::Repl));
    if repl && args.frame_id.is_none() && s.is_running() {
        // Typed in the debug console while the program runs: a line of its stdin.
        s.send_input(format!("{}\n", args.expression).as_bytes())?;
        return Ok(json!({ "result": "", "variablesReference": 0 }));
    }
    let frame = frame_index(args.frame_id.unwrap_or(1))?;
    let v = match s.evaluate(frame, &args.expression, false) {
        Ok(v) => v,
        // In the debug console a statement (`y = 5`) is fine too.
        Err(e) if repl && e.to_string().starts_with("SyntaxError") => {
            s.evaluate(frame, &args.expression, true)?;
            return Ok(json!({ "result": "", "variablesReference": 0 }));
        }
        Err(e) => return Err(e),
    };
    let mut out = json!({ "result": v.value, "type": v.type_name, "variablesReference": v.reference });
    if let Some(n) = v.indexed {
        out["indexedVariables"] = json!(n);
    }
    Ok(out)
}

pub fn set_variable(s: &Session, args: &SetVariableArguments) -> Result<Value> {
    let v = s.set_variable(args.variables_reference, &args.name, &args.value)?;
    Ok(json!({ "value": v.value, "type": v.type_name, "variablesReference": v.reference }))
}

pub fn exception_info(s: &Session) -> Result<Value> {
    let e = s
        .exception()
        .ok_or_else(|| anyhow!("the program did not stop on an exception"))?;
    Ok(json!({
        "exceptionId": e.type_name,
        "description": e.message,
        // debugpy's modes: "always" at a raise, "unhandled" once it left the program.
        "breakMode": if e.uncaught { "unhandled" } else { "always" },
        "details": { "message": e.message, "typeName": e.type_name, "stackTrace": e.traceback },
    }))
}

pub fn source(session: &Session, args: &SourceArguments) -> Result<Value> {
    let reference = args.reference();
    if reference > 0 {
        let content = session.device_source(reference)?;
        return Ok(json!({ "content": content, "mimeType": "text/x-python" }));
    }
    let path = args
        .source
        .as_ref()
        .and_then(|s| s.path.clone())
        .ok_or_else(|| anyhow!("this source is only on the device; mpdbg cannot fetch it yet"))?;
    let content = session.source_text(std::path::Path::new(&path))?;
    Ok(json!({ "content": content }))
}

pub fn function_breakpoint_requests(args: &SetFunctionBreakpointsArguments) -> Vec<FunctionBreakpointRequest> {
    args.breakpoints
        .iter()
        .map(|b| FunctionBreakpointRequest {
            name: b.name.clone(),
            condition: b.condition.clone(),
            hit_condition: b.hit_condition.clone(),
            ..Default::default()
        })
        .collect()
}

/// The response body, and the ids the breakpoints got (in request order).
pub fn function_breakpoints(s: &Session, requests: &[FunctionBreakpointRequest]) -> (Value, Vec<i64>) {
    let placed = s.set_function_breakpoints(requests);
    let ids = placed.iter().map(|r| r.result.id).collect();
    let results: Vec<Value> = placed
        .iter()
        .map(|r| match &r.path {
            Some(p) => breakpoint(&r.result, &p.display().to_string()),
            None => json!({ "id": r.result.id, "verified": false, "message": r.result.message }),
        })
        .collect();
    (json!({ "breakpoints": results }), ids)
}

/// The debug console's completions. `column` counts UTF-16 units from 1
/// (mpdbg's `initialize` keeps DAP's default, `columnsStartAt1`).
pub fn completions(s: &Session, args: &CompletionsArguments) -> Result<Value> {
    let frame = frame_index(args.frame_id.unwrap_or(1))?;
    let units = usize::try_from(args.column.saturating_sub(1)).unwrap_or(0);
    let mut end = 0;
    let mut seen = 0;
    for (i, c) in args.text.char_indices() {
        if seen >= units {
            break;
        }
        seen += c.len_utf16();
        end = i + c.len_utf8();
    }
    let (prefix, names) = s.completions(frame, &args.text[..end])?;
    let start = seen - prefix.encode_utf16().count();
    let targets: Vec<Value> = names
        .into_iter()
        .map(|n| json!({ "label": n, "start": start, "length": prefix.encode_utf16().count() }))
        .collect();
    Ok(json!({ "targets": targets }))
}

pub fn set_expression(s: &Session, args: &SetExpressionArguments) -> Result<Value> {
    let frame = frame_index(args.frame_id.unwrap_or(1))?;
    let v = s.set_expression(frame, &args.expression, &args.value)?;
    let mut out = json!({ "value": v.value, "type": v.type_name, "variablesReference": v.reference });
    if let Some(n) = v.indexed {
        out["indexedVariables"] = json!(n);
    }
    Ok(out)
}

pub fn loaded_sources(s: &Session) -> Value {
    let sources: Vec<Value> = s
        .loaded_sources()
        .iter()
        .map(|p| json!({ "name": p.file_name().map(|n| n.to_string_lossy().into_owned()), "path": p.display().to_string() }))
        .collect();
    json!({ "sources": sources })
}

//! The agent into the board's RAM instead of its folder (`"writeFlash":
//! false`): the RAM loader (`agent/mpdbg_ram.py`) and then each module's
//! source, compiled on the board one exchange at a time (so that only one
//! source is in its heap at once) and kept as code objects in the raw REPL's
//! globals until the start command takes them. Nothing touches the
//! filesystem.
use super::agent;
use crate::repl::{py_str, Link, Repl};
use anyhow::{Context, Result};
use std::time::Duration;

/// The raw REPL's global that holds the loader until the start command.
const HOLDER: &str = "_mpdbg_ram";
/// How long the board may take to compile one module.
const COMPILE_TIMEOUT: Duration = Duration::from_secs(30);

/// Compiles the agent on the board, in RAM, as if it were in `agent_dir`;
/// returns the bytes of source sent.
pub fn load_agent<L: Link>(repl: &mut Repl<L>, agent_dir: &str) -> Result<usize> {
    let loader_path = super::board_join(agent_dir, agent::RAM_LOADER);
    let loader = agent::ram_loader()?;
    let mut steps = vec![(
        agent::RAM_LOADER.to_string(),
        format!(
            "{HOLDER} = {{'__name__': 'mpdbg_ram', '__file__': {path}}}\nexec(compile({src}, {path}, 'exec'), {HOLDER})\n",
            path = py_str(&loader_path),
            src = py_str(&String::from_utf8_lossy(&loader)),
        ),
    )];
    let mut sent = loader.len();
    for (name, source) in agent::py_files()? {
        let path = super::board_join(agent_dir, &name);
        sent += source.len();
        steps.push((
            name.clone(),
            format!(
                "{HOLDER}['code'][{module}] = (compile({src}, {path}, 'exec'), {path})\n",
                module = py_str(name.trim_end_matches(".py")),
                path = py_str(&path),
                src = py_str(&String::from_utf8_lossy(&source)),
            ),
        ));
    }
    for (name, code) in steps {
        // Not `Repl::exec`: its compaction is for code without long strings.
        repl.start(code.as_bytes())?;
        repl.finish(COMPILE_TIMEOUT)?.ok().with_context(|| {
            format!(
                "the board on {} could not compile the agent's {name} in RAM",
                repl.name()
            )
        })?;
    }
    Ok(sent)
}

/// The start command: the agent from RAM runs `program`.
pub fn start_code(program: &str, args: &str, source: &str) -> String {
    format!(
        "globals().pop('{HOLDER}')['run']({program}, [{args}], {source})\n",
        program = py_str(program)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_start_command_takes_the_loader_out_of_the_repl_globals() {
        assert_eq!(
            start_code("/m.py", "'a'", "None"),
            "globals().pop('_mpdbg_ram')['run']('/m.py', ['a'], None)\n"
        );
    }
}

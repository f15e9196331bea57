//! The agent into the board's RAM instead of its folder (`"writeFlash":
//! false`): the RAM loader (`agent/mpdbg_ram.py`) and then each module's
//! source, compiled on the board one exchange at a time (so that only one
//! source is in its heap at once) and kept as code objects in the raw REPL's
//! globals until the start command takes them. Nothing touches the
//! filesystem.
use super::{agent, DeployOptions, Deployed, ProgramDeploy};
use crate::repl::{py_str, Link, Repl};
use crate::target::probe::BoardInfo;
use crate::target::survey;
use anyhow::{bail, Context, Result};
use std::path::Path;
use std::time::Duration;

/// The raw REPL's global that holds the loader until the start command.
const HOLDER: &str = "_mpdbg_ram";
/// How long the board may take to compile one module.
const COMPILE_TIMEOUT: Duration = Duration::from_secs(30);

/// Deploys with nothing written (`"writeFlash": false`): the agent is
/// compiled in RAM, the program comes with the start command or is on the
/// board already.
pub fn deploy<L: Link>(
    repl: &mut Repl<L>,
    program: &Path,
    rel: &str,
    opts: &DeployOptions,
) -> Result<(BoardInfo, Deployed)> {
    let program_source = match opts.mode {
        ProgramDeploy::Sync => bail!(
            "\"writeFlash\": false writes nothing to the board, but \"deploy\": \"sync\" copies the project to it: \
             use \"deploy\": \"ram\" (the program from RAM) or \"none\" (it is on the board already)"
        ),
        ProgramDeploy::Ram => Some(super::read_program(program)?),
        ProgramDeploy::None => None,
    };
    // Nothing of the agent's folder is used: it may be absent or stale.
    let (info, _) = survey::survey(repl, &[], None)?;
    info.check(repl.name())?;
    let agent_dir = super::board_join(&info.cwd, agent::FOLDER);
    load_agent(repl, &agent_dir)?;
    let remote_root = opts.remote_root.clone().unwrap_or_else(|| info.cwd.clone());
    let deployed = Deployed {
        agent_dir,
        agent_in_ram: true,
        program: super::board_join(&remote_root, rel),
        program_source,
        remote_root,
        written: Vec::new(),
        unchanged: 0,
        deleted: Vec::new(),
    };
    Ok((info, deployed))
}

/// Compiles the agent on the board, in RAM, as if it were in `agent_dir`.
fn load_agent<L: Link>(repl: &mut Repl<L>, agent_dir: &str) -> Result<()> {
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
    // The survey helper is of no use in RAM: nothing will be deployed by hash.
    for (name, source) in agent::py_files()?.into_iter().filter(|(n, _)| n != survey::FILE) {
        let path = super::board_join(agent_dir, &name);
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
    Ok(())
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

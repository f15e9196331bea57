//! Long waits reported to the front end as progress (DAP progress events in
//! editors that show them, console lines otherwise).
use super::events::{EventSink, ProgressStep, SessionEvent};
use std::sync::atomic::{AtomicU32, Ordering};

static NEXT_ID: AtomicU32 = AtomicU32::new(1);

/// An ongoing wait; ends (with no message) when dropped if not ended before.
pub struct Progress<'a> {
    sink: &'a dyn EventSink,
    id: String,
    ended: bool,
}

impl<'a> Progress<'a> {
    pub fn start(sink: &'a dyn EventSink, title: &str) -> Progress<'a> {
        let id = format!("mpdbg-{}", NEXT_ID.fetch_add(1, Ordering::Relaxed));
        sink.event(SessionEvent::Progress {
            id: id.clone(),
            step: ProgressStep::Start { title: title.into() },
        });
        Progress { sink, id, ended: false }
    }

    pub fn update(&self, message: &str) {
        self.sink.event(SessionEvent::Progress {
            id: self.id.clone(),
            step: ProgressStep::Update {
                message: message.into(),
            },
        });
    }

    pub fn end(mut self, message: Option<&str>) {
        self.finish(message);
    }

    fn finish(&mut self, message: Option<&str>) {
        if !std::mem::replace(&mut self.ended, true) {
            self.sink.event(SessionEvent::Progress {
                id: self.id.clone(),
                step: ProgressStep::End {
                    message: message.map(str::to_string),
                },
            });
        }
    }
}

impl Drop for Progress<'_> {
    fn drop(&mut self) {
        self.finish(None);
    }
}

/// A `Write` for build logs: each line becomes an update of `progress`.
pub struct ProgressLog<'p, 'a> {
    pub progress: &'p Progress<'a>,
    line: Vec<u8>,
}

impl<'p, 'a> ProgressLog<'p, 'a> {
    pub fn new(progress: &'p Progress<'a>) -> Self {
        ProgressLog {
            progress,
            line: Vec::new(),
        }
    }
}

impl std::io::Write for ProgressLog<'_, '_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.line.extend_from_slice(buf);
        while let Some(end) = self.line.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.line.drain(..=end).collect();
            let text = String::from_utf8_lossy(&line);
            let text = text.trim().trim_start_matches("mpdbg: ");
            if !text.is_empty() {
                self.progress.update(text);
            }
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Recorder(Mutex<Vec<SessionEvent>>);
    impl EventSink for Recorder {
        fn event(&self, event: SessionEvent) {
            self.0.lock().unwrap().push(event);
        }
    }

    fn steps(r: &Recorder) -> Vec<ProgressStep> {
        r.0.lock()
            .unwrap()
            .iter()
            .map(|e| match e {
                SessionEvent::Progress { step, .. } => step.clone(),
                other => panic!("not progress: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn log_lines_become_updates_and_drop_ends_once() {
        let r = Recorder::default();
        {
            let p = Progress::start(&r, "Building");
            let mut log = ProgressLog::new(&p);
            write!(log, "mpdbg: applied 8 core").unwrap();
            write!(log, " patches\n\nmpdbg: building...\n").unwrap();
        }
        assert_eq!(
            steps(&r),
            [
                ProgressStep::Start {
                    title: "Building".into()
                },
                ProgressStep::Update {
                    message: "applied 8 core patches".into()
                },
                ProgressStep::Update {
                    message: "building...".into()
                },
                ProgressStep::End { message: None },
            ]
        );
    }

    #[test]
    fn an_explicit_end_is_not_repeated_by_drop() {
        let r = Recorder::default();
        Progress::start(&r, "Starting").end(Some("done"));
        let s = steps(&r);
        assert_eq!(s.len(), 2);
        assert_eq!(
            s[1],
            ProgressStep::End {
                message: Some("done".into())
            }
        );
        let ids: Vec<String> =
            r.0.lock()
                .unwrap()
                .iter()
                .filter_map(|e| match e {
                    SessionEvent::Progress { id, .. } => Some(id.clone()),
                    _ => None,
                })
                .collect();
        assert_eq!(ids[0], ids[1]);
    }
}

//! Host paths to the device's and back. A local launch runs the host's files
//! in place (no rules: the identity); a board maps the project root to
//! `remoteRoot`, and `pathMappings` (debugpy's form) come first.
use crate::deploy::{board_join, relative};
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Default)]
pub struct PathMap {
    /// (host folder, board folder), most specific first.
    rules: Vec<(PathBuf, String)>,
}

impl PathMap {
    /// Rules in priority order: explicit mappings, then the project root.
    pub fn new(rules: Vec<(PathBuf, String)>) -> PathMap {
        // "." (the seed's remoteRoot) is the board's working folder, whose
        // files the board names relatively (`main.py`).
        let rules = rules.into_iter().map(|(h, b)| {
            let b = if b == "." || b == "./" { String::new() } else { b };
            (h, b)
        });
        let mut rules: Vec<(usize, (PathBuf, String))> = rules.enumerate().collect();
        // Deeper host folders win over shallower ones; ties keep the given order.
        rules.sort_by_key(|(i, (host, _))| (std::cmp::Reverse(host.components().count()), *i));
        PathMap {
            rules: rules.into_iter().map(|(_, r)| r).collect(),
        }
    }

    pub fn to_device(&self, host: &Path) -> String {
        if self.rules.is_empty() {
            return host.display().to_string();
        }
        self.rules
            .iter()
            .find_map(|(h, b)| relative(h, host).map(|rel| board_join(b, &rel)))
            .unwrap_or_else(|| host.display().to_string())
    }

    /// The host's copy of a device file, when there is one.
    pub fn to_host(&self, device: &str) -> Option<PathBuf> {
        let candidates: Vec<PathBuf> = if self.rules.is_empty() {
            vec![PathBuf::from(device)]
        } else {
            let mut by_board: Vec<&(PathBuf, String)> = self.rules.iter().collect();
            by_board.sort_by_key(|(_, b)| std::cmp::Reverse(b.len()));
            by_board
                .into_iter()
                .filter_map(|(h, b)| {
                    let b = b.trim_end_matches('/');
                    let rest = if b.is_empty() && !device.starts_with('/') {
                        device // a relative board path: below the folder mapped to ""
                    } else {
                        let rest = device.strip_prefix(b)?;
                        rest.strip_prefix('/').or((rest.is_empty()).then_some(""))?
                    };
                    Some(
                        rest.split('/')
                            .filter(|p| !p.is_empty())
                            .fold(h.clone(), |acc, p| acc.join(p)),
                    )
                })
                .collect()
        };
        candidates.into_iter().find(|p| p.is_file())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_without_rules() {
        let m = PathMap::default();
        assert_eq!(m.to_device(Path::new("/a/b.py")), "/a/b.py");
    }

    #[test]
    fn project_root_and_mappings() {
        let dir = std::env::temp_dir().join(format!("mpdbg-pathmap-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("lib")).unwrap();
        std::fs::create_dir_all(dir.join("vendor")).unwrap();
        std::fs::write(dir.join("main.py"), "").unwrap();
        std::fs::write(dir.join("lib/u.py"), "").unwrap();
        std::fs::write(dir.join("vendor/v.py"), "").unwrap();
        let m = PathMap::new(vec![(dir.join("vendor"), "/lib".into()), (dir.clone(), "/".into())]);
        assert_eq!(m.to_device(&dir.join("main.py")), "/main.py");
        assert_eq!(m.to_device(&dir.join("lib/u.py")), "/lib/u.py");
        assert_eq!(m.to_device(&dir.join("vendor/v.py")), "/lib/v.py");
        assert_eq!(m.to_host("/lib/v.py"), Some(dir.join("vendor/v.py")));
        // The mapped folder wins, but a file only under the project root still maps.
        assert_eq!(m.to_host("/lib/u.py"), Some(dir.join("lib/u.py")));
        assert_eq!(m.to_host("/main.py"), Some(dir.join("main.py")));
        assert_eq!(m.to_host("/boot.py"), None);
        let sub = PathMap::new(vec![(dir.clone(), "/flash/app".into())]);
        assert_eq!(sub.to_device(&dir.join("lib/u.py")), "/flash/app/lib/u.py");
        assert_eq!(sub.to_host("/flash/app/lib/u.py"), Some(dir.join("lib/u.py")));
        assert_eq!(sub.to_host("/flash/application.py"), None);
        // A board's start-up files run under relative names (`main.py`).
        let boot = PathMap::new(vec![(dir.clone(), String::new())]);
        assert_eq!(boot.to_device(&dir.join("main.py")), "main.py");
        assert_eq!(boot.to_host("main.py"), Some(dir.join("main.py")));
        assert_eq!(boot.to_host("lib/u.py"), Some(dir.join("lib/u.py")));
        let seed = PathMap::new(vec![(dir.clone(), ".".into())]);
        assert_eq!(seed.to_device(&dir.join("main.py")), "main.py");
        std::fs::remove_dir_all(&dir).ok();
    }
}

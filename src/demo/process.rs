//! Child processes of the demo stack: never on the terminal, always logged to a file, and never
//! outliving us.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use super::error::DemoError;

/// Finds `binary` in the directories of `PATH`.
pub fn find_on_path(binary: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(binary))
        .find(|p| {
            p.metadata()
                .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
                .unwrap_or(false)
        })
}

/// Makes the child receive SIGKILL when the thread that spawned it exits, so children die with
/// the demo even when it is killed with SIGKILL. Spawn from a long-lived thread (the main thread
/// or a runtime worker, not a `spawn_blocking` thread, which may exit when idle).
#[allow(unsafe_code)]
fn die_with_parent(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    let parent = std::process::id() as libc::pid_t;
    // SAFETY: the closure runs in the child between fork and exec, where only async-signal-safe
    // calls are allowed: prctl and getppid are, and the error is built from a raw OS code without
    // allocating.
    unsafe {
        command.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(io::Error::last_os_error());
            }
            // The parent may have died before prctl took effect.
            if libc::getppid() != parent {
                return Err(io::Error::from_raw_os_error(libc::ESRCH));
            }
            Ok(())
        });
    }
}

/// A running child with its log file.
#[derive(Debug)]
pub struct ChildProcess {
    pub name: String,
    pub log: PathBuf,
    child: Option<Child>,
}

impl ChildProcess {
    /// Starts `program` with stdin closed and stdout/stderr appended to `<log_dir>/<name>.log`.
    pub fn spawn(
        name: &str,
        program: &Path,
        args: &[String],
        log_dir: &Path,
    ) -> Result<ChildProcess, DemoError> {
        let log = log_dir.join(format!("{name}.log"));
        let file = File::create(&log)
            .map_err(|e| DemoError::io(format!("creating {}", log.display()), e))?;
        let err_file = file
            .try_clone()
            .map_err(|e| DemoError::io(format!("opening {}", log.display()), e))?;
        let mut command = Command::new(program);
        command
            .args(args)
            .current_dir(log_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::from(file))
            .stderr(Stdio::from(err_file));
        die_with_parent(&mut command);
        let child = command
            .spawn()
            .map_err(|e| DemoError::io(format!("starting {}", program.display()), e))?;
        Ok(ChildProcess {
            name: name.to_string(),
            log,
            child: Some(child),
        })
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// The exit status if the child has ended.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child
            .as_mut()
            .and_then(|c| c.try_wait().ok().flatten())
    }

    /// Waits for the child to end by itself (polling, so the runtime stays free).
    pub async fn wait(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.exited() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Asks the child to stop (SIGTERM), then kills it after `grace`; always reaps it.
    pub async fn terminate(&mut self, grace: Duration) {
        let Some(pid) = self.pid() else {
            return;
        };
        if self.exited().is_none() {
            // `kill` keeps this module down to one unsafe function.
            let _ = Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            self.wait(grace).await;
        }
        self.kill_now();
    }

    /// SIGKILL and reap, synchronously (used from `Drop`; takes milliseconds).
    pub fn kill_now(&mut self) {
        if let Some(mut child) = self.child.take() {
            if child.try_wait().ok().flatten().is_none() {
                let _ = child.kill();
            }
            let _ = child.wait();
        }
    }

    /// The last `lines` lines of the log.
    pub fn log_tail(&self, lines: usize) -> String {
        log_tail(&self.log, lines)
    }
}

impl Drop for ChildProcess {
    fn drop(&mut self) {
        self.kill_now();
    }
}

/// The last `lines` lines of a file (reads at most the last 64 KiB).
pub fn log_tail(path: &Path, lines: usize) -> String {
    let Ok(mut file) = File::open(path) else {
        return String::new();
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let _ = file.seek(SeekFrom::Start(len.saturating_sub(64 * 1024)));
    let mut buf = Vec::new();
    let _ = file.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf);
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_sh_but_not_nonsense() {
        assert!(find_on_path("sh").is_some());
        assert!(find_on_path("no-such-binary-triage-demo").is_none());
    }

    #[tokio::test]
    async fn child_logs_to_file_and_is_reaped() {
        let dir = std::env::temp_dir().join(format!("triage-process-test-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let sh = find_on_path("sh").unwrap_or_else(|| PathBuf::from("/bin/sh"));
        let spawned = ChildProcess::spawn(
            "echo",
            &sh,
            &["-c".into(), "echo hello; echo oops >&2".into()],
            &dir,
        );
        let Ok(mut child) = spawned else {
            panic!("spawn failed: {spawned:?}");
        };
        let status = child.wait(Duration::from_secs(5)).await;
        assert!(status.is_some_and(|s| s.success()));
        assert_eq!(child.log_tail(5), "hello\noops");

        let sleeper = ChildProcess::spawn("sleep", &sh, &["-c".into(), "sleep 30".into()], &dir);
        let Ok(mut sleeper) = sleeper else {
            panic!("spawn failed");
        };
        let pid = sleeper.pid().unwrap_or(0);
        assert!(Path::new(&format!("/proc/{pid}")).exists());
        sleeper.terminate(Duration::from_secs(2)).await;
        assert!(!Path::new(&format!("/proc/{pid}")).exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}

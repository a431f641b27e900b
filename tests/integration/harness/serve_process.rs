//! The real `guidepost serve` as a child process.

use std::path::Path;
use std::process::Command;

/// `guidepost serve --port 0` on a site, stopped when dropped. Its stderr is
/// collected for the terminal lines.
pub struct ServeProcess {
    child: std::process::Child,
    /// `127.0.0.1:PORT`
    pub addr: String,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

impl ServeProcess {
    pub fn start(root: &Path, env: &[(&str, &str)]) -> ServeProcess {
        Self::start_within(root, env, std::time::Duration::from_secs(120))
    }

    /// Starts `serve` and waits at most `limit` for it to say where it serves; kills it
    /// and fails the test when it does not.
    pub fn start_within(
        root: &Path,
        env: &[(&str, &str)],
        limit: std::time::Duration,
    ) -> ServeProcess {
        use std::io::{BufRead, BufReader};
        use std::process::Stdio;
        let mut child = Command::new(env!("CARGO_BIN_EXE_guidepost"))
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let sink = stderr.clone();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                let mut s = sink.lock().unwrap();
                s.push_str(&line);
                s.push('\n');
            }
        });
        let out = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut out = BufReader::new(out);
            let mut line = String::new();
            let _ = out.read_line(&mut line);
            let _ = tx.send(line);
            // Keep reading, so that the server never blocks on a full pipe.
            let _ = std::io::copy(&mut out, &mut std::io::sink());
        });
        let Ok(line) = rx.recv_timeout(limit) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "serve did not start within {limit:?}: {}",
                stderr.lock().unwrap()
            );
        };
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no address in {line:?}: {}", stderr.lock().unwrap()))
            .to_string();
        ServeProcess {
            child,
            addr,
            stderr,
        }
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

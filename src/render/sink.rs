//! Where rendered files go: the output folder, memory (`check`), or the
//! served snapshot (`serve`).

use crate::error::Result;

/// One file of the built site.
#[derive(Debug, Clone)]
pub struct Output {
    /// Relative to the output folder, with `/`: `fa/news/x/index.html`.
    pub path: String,
    pub bytes: Vec<u8>,
    /// A fingerprint of everything the file was made from, if known.
    pub fingerprint: Option<u64>,
}

impl Output {
    pub fn new(path: String, bytes: Vec<u8>) -> Output {
        Output {
            path,
            bytes,
            fingerprint: None,
        }
    }
}

/// Where rendered files go, one at a time and from several threads: the
/// output folder, or memory for `check` and `serve`.
pub trait Sink: Sync {
    fn put(&self, file: Output) -> Result<()>;

    /// Whether the sink already holds `path` made from inputs with this
    /// fingerprint (from an earlier build); if so it keeps that file and the
    /// page is not rendered again.
    fn reuse(&self, _path: &str, _fingerprint: u64) -> bool {
        false
    }
}

/// Keeps every file in memory.
#[derive(Default)]
pub struct MemorySink(pub std::sync::Mutex<Vec<Output>>);

impl Sink for MemorySink {
    fn put(&self, file: Output) -> Result<()> {
        self.0.lock().expect("no panics while locked").push(file);
        Ok(())
    }
}

impl MemorySink {
    pub fn into_files(self) -> Vec<Output> {
        self.0.into_inner().expect("no panics while locked")
    }
}

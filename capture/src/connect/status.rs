//! A task's status, shared between the running task and the REST API.

use parking_lot::Mutex;
use serde::Serialize;
use std::sync::Arc;

/// Connect's task states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskState {
    Unassigned,
    Running,
    Paused,
    Failed,
}

/// What the status endpoint shows of a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskStatus {
    pub state: TaskState,
    /// The failure, in words an operator can act on.
    pub trace: Option<String>,
    /// Progress of a running snapshot: (rows done, rows estimated).
    pub snapshot_rows: Option<(u64, u64)>,
}

/// The live status cell of one task.
#[derive(Debug, Clone)]
pub struct StatusCell(Arc<Mutex<TaskStatus>>);

impl StatusCell {
    pub(crate) fn new(state: TaskState) -> Self {
        Self(Arc::new(Mutex::new(TaskStatus {
            state,
            trace: None,
            snapshot_rows: None,
        })))
    }

    pub fn get(&self) -> TaskStatus {
        self.0.lock().clone()
    }

    pub(crate) fn set(&self, state: TaskState, trace: Option<String>) {
        let mut s = self.0.lock();
        s.state = state;
        s.trace = trace;
        if state != TaskState::Running {
            s.snapshot_rows = None;
        }
    }

    /// Reports snapshot progress.
    pub fn snapshot_progress(&self, done: u64, total: u64) {
        self.0.lock().snapshot_rows = Some((done, total));
    }

    /// Ends snapshot progress reporting.
    pub fn snapshot_done(&self) {
        self.0.lock().snapshot_rows = None;
    }
}

//! The one background thread that loads data and runs fits.
//!
//! A one-slot mailbox: submitting replaces a queued job and cancels the running one
//! cooperatively (the solver checks the flag between alphas, folds and every few
//! hundred sweeps). Every message carries its job id; `update` drops stale ones.
//! Each job runs inside `catch_unwind`, so a solver panic becomes `WorkerMsg::Panicked`
//! and the UI keeps running.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Instant;

use crate::config::Experiment;
use crate::data::{ColumnInfo, ColumnKind, Table};
use crate::pipeline::{Design, streams_source};
use crate::solver::{
    Control, CvResult, PathResult, Progress, Stage, cross_validate, fit_alpha, fit_path,
};
use crate::workflow::{DataSource, Setup, setup};

use super::insight::{Basis, Comparison, StabilityReport, compare, stability_of};

/// The worker thread's name; the panic hook uses it to tell worker panics from UI ones.
pub const WORKER_THREAD: &str = "regscope-worker";

pub type JobId = u64;

#[derive(Debug, Clone, PartialEq)]
pub enum JobKind {
    /// (Re)load if asked or needed, set up, fit the path, cross-validate it.
    Fit {
        exp: Box<Experiment>,
        source: DataSource,
        reload: bool,
        /// fit from this statistics file (`regscope --stats FILE`) instead of `source`
        stats: Option<PathBuf>,
    },
    /// The collinearity of the features of the current setup (or statistics).
    Diagnose,
    /// Cross-validate one model per l1_ratio on the current setup's folds.
    Compare {
        exp: Box<Experiment>,
        ratios: Vec<f64>,
    },
    /// Stability selection of the experiment's model on the current setup's rows.
    Stability { exp: Box<Experiment> },
    /// One warm-started fit at an alpha off the grid, on the current setup.
    Point {
        exp: Box<Experiment>,
        alpha: f64,
        warm: Option<Vec<f64>>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: JobId,
    pub kind: JobKind,
}

/// The collinearity of the features as fitted, with their names.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnosis {
    pub features: Vec<String>,
    pub d: crate::solver::collinearity::Collinearity,
}

/// What a fit was made on: names and shape for the status line and the panes.
#[derive(Debug, Clone, PartialEq)]
pub struct DataInfo {
    pub source: String,
    pub target: String,
    pub features: Vec<String>,
    pub n: usize,
    pub p: usize,
    pub rows_dropped: usize,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone)]
pub enum WorkerMsg {
    Progress(JobId, Progress),
    /// The table was (re)read: its columns, for the picker.
    Loaded(JobId, Vec<ColumnInfo>),
    PathReady(JobId, Arc<DataInfo>, Arc<PathResult>),
    CvReady(JobId, Arc<CvResult>),
    PointReady(JobId, f64, Arc<PathResult>),
    /// The collinearity of the features on screen, or why there is none.
    Diagnosed(JobId, Result<Arc<Diagnosis>, String>),
    /// The compare view's models, or why there are none.
    Compared(JobId, Result<Arc<Comparison>, String>),
    /// The stability view's selection probabilities, or why there are none.
    Stabilized(JobId, Result<Arc<StabilityReport>, String>),
    Failed(JobId, String),
    Cancelled(JobId),
    Panicked(JobId, String),
}

impl WorkerMsg {
    pub fn id(&self) -> JobId {
        match self {
            WorkerMsg::Progress(id, _)
            | WorkerMsg::Loaded(id, _)
            | WorkerMsg::PathReady(id, _, _)
            | WorkerMsg::CvReady(id, _)
            | WorkerMsg::PointReady(id, _, _)
            | WorkerMsg::Diagnosed(id, _)
            | WorkerMsg::Compared(id, _)
            | WorkerMsg::Stabilized(id, _)
            | WorkerMsg::Failed(id, _)
            | WorkerMsg::Cancelled(id)
            | WorkerMsg::Panicked(id, _) => *id,
        }
    }
}

#[derive(Default)]
struct Slot {
    queued: Option<Job>,
    running: Option<(JobId, Arc<AtomicBool>)>,
    shutdown: bool,
}

struct Shared {
    slot: Mutex<Slot>,
    wake: Condvar,
}

/// The UI side of the worker.
pub struct Worker {
    shared: Arc<Shared>,
    handle: Option<JoinHandle<()>>,
}

/// What the worker keeps between jobs so an l1_ratio change does not reload the file.
#[derive(Default)]
struct Cache {
    source: Option<DataSource>,
    table: Option<Arc<Table>>,
    key: Option<SetupKey>,
    setup: Option<Arc<Setup>>,
    info: Option<Arc<DataInfo>>,
    /// the statistics route (a statistics file, or a table too large to read whole):
    /// what they were built from, and the design
    design: Option<(DesignKey, Design)>,
    /// the folder of the statistics cache (data/stats_cache.rs); none: no caching
    stats_dir: Option<PathBuf>,
}

impl Cache {
    /// The workbench's cache: statistics kept in the user's cache folder.
    fn with_user_stats_dir() -> Cache {
        Cache {
            stats_dir: crate::data::stats_cache::default_dir(),
            ..Cache::default()
        }
    }
}

/// What a statistics design was built from: the data (or statistics file) and the parts
/// of the experiment that shape the statistics.
#[derive(Debug, Clone, PartialEq)]
struct DesignKey {
    source: DataSource,
    stats: Option<PathBuf>,
    setup: SetupKey,
}

/// The parts of an experiment that decide the prepared design and the folds.
#[derive(Debug, Clone, PartialEq)]
struct SetupKey {
    data: crate::config::DataSection,
    standardize: bool,
    fit_intercept: bool,
    cv: crate::config::CvSection,
}

impl SetupKey {
    fn of(exp: &Experiment) -> SetupKey {
        SetupKey {
            data: exp.data.clone(),
            standardize: exp.model.standardize,
            fit_intercept: exp.model.fit_intercept,
            cv: exp.cv.clone(),
        }
    }
}

impl Worker {
    /// Start the thread; `send` turns a worker message into whatever the UI's channel carries.
    pub fn spawn<M: Send + 'static>(tx: Sender<M>, wrap: fn(WorkerMsg) -> M) -> Worker {
        let shared = Arc::new(Shared {
            slot: Mutex::new(Slot::default()),
            wake: Condvar::new(),
        });
        let sh = shared.clone();
        let handle = std::thread::Builder::new()
            .name(WORKER_THREAD.into())
            .spawn(move || worker_loop(&sh, &tx, wrap))
            .expect("spawn the worker thread");
        Worker {
            shared,
            handle: Some(handle),
        }
    }

    /// Queue `job`, replacing a queued one and cancelling the running one.
    pub fn submit(&self, job: Job) {
        let mut s = lock(&self.shared.slot);
        if let Some((_, flag)) = &s.running {
            flag.store(true, Ordering::Relaxed);
        }
        s.queued = Some(job);
        self.shared.wake.notify_all();
    }

    /// Drop the queued job and cancel the running one.
    pub fn cancel(&self) {
        let mut s = lock(&self.shared.slot);
        if let Some((_, flag)) = &s.running {
            flag.store(true, Ordering::Relaxed);
        }
        s.queued = None;
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        {
            let mut s = lock(&self.shared.slot);
            s.shutdown = true;
            s.queued = None;
            if let Some((_, flag)) = &s.running {
                flag.store(true, Ordering::Relaxed);
            }
            self.shared.wake.notify_all();
            // a table being read whole cannot be interrupted: leave the thread behind
            // rather than make `q` wait for it (the process is about to end)
            if s.running.is_some() {
                drop(self.handle.take());
            }
        }
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn worker_loop<M: Send + 'static>(sh: &Shared, tx: &Sender<M>, wrap: fn(WorkerMsg) -> M) {
    let mut cache = Cache::with_user_stats_dir();
    loop {
        let (job, flag) = {
            let mut s = lock(&sh.slot);
            s.running = None;
            loop {
                if s.shutdown {
                    return;
                }
                if let Some(job) = s.queued.take() {
                    let flag = Arc::new(AtomicBool::new(false));
                    s.running = Some((job.id, flag.clone()));
                    break (job, flag);
                }
                s = sh.wake.wait(s).unwrap_or_else(|e| e.into_inner());
            }
        };
        let id = job.id;
        let send = |m: WorkerMsg| {
            let _ = tx.send(wrap(m));
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            run_job(&job, &flag, &mut cache, &send);
        }));
        if let Err(payload) = outcome {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            // the cache may be half-updated: start clean
            cache = Cache::with_user_stats_dir();
            send(WorkerMsg::Panicked(id, msg));
        }
    }
}

/// Test-only: `REGSCOPE_TEST_PANIC=worker` makes the first job panic (see
/// docs/architecture.md). Debug builds only (the tests' binary): a release build ignores it.
fn test_panic_once() {
    static DONE: AtomicBool = AtomicBool::new(false);
    if cfg!(debug_assertions)
        && std::env::var("REGSCOPE_TEST_PANIC").as_deref() == Ok("worker")
        && !DONE.swap(true, Ordering::SeqCst)
    {
        panic!("test panic in the worker (REGSCOPE_TEST_PANIC=worker)");
    }
}

fn run_job(job: &Job, flag: &AtomicBool, cache: &mut Cache, send: &(dyn Fn(WorkerMsg) + Sync)) {
    test_panic_once();
    let id = job.id;
    let progress = |p: Progress| send(WorkerMsg::Progress(id, p));
    let ctl = Control::new(Some(flag), Some(&progress));
    match &job.kind {
        JobKind::Fit {
            exp,
            source,
            reload,
            stats,
        } => {
            if stats.is_some() || streams_source(source) {
                cache.table = None;
                cache.setup = None;
                let key = DesignKey {
                    source: source.clone(),
                    stats: stats.clone(),
                    setup: SetupKey::of(exp),
                };
                return fit_statistics(id, exp, key, *reload, flag, &ctl, cache, send);
            }
            cache.design = None;
            if *reload || cache.table.is_none() || cache.source.as_ref() != Some(source) {
                cache.key = None;
                cache.setup = None;
                match source.load() {
                    Ok(t) => {
                        send(WorkerMsg::Loaded(id, t.columns()));
                        cache.table = Some(Arc::new(t));
                        cache.source = Some(source.clone());
                    }
                    Err(e) => {
                        cache.table = None;
                        cache.source = None;
                        send(WorkerMsg::Failed(id, e.to_string()));
                        return;
                    }
                }
            }
            let key = SetupKey::of(exp);
            if cache.key.as_ref() != Some(&key) || cache.setup.is_none() {
                let Some(table) = cache.table.clone() else {
                    return;
                };
                // a shallow clone: the cache keeps the table for the next setup
                match setup(Table::clone(&table), exp) {
                    Ok(s) => {
                        cache.info = Some(Arc::new(DataInfo {
                            source: source.display(),
                            target: s.target.clone(),
                            features: s.features.clone(),
                            n: s.prep.n(),
                            p: s.prep.p(),
                            rows_dropped: s.rows_dropped,
                            notes: s.notes.clone(),
                        }));
                        cache.setup = Some(Arc::new(s));
                        cache.key = Some(key);
                    }
                    Err(e) => {
                        cache.setup = None;
                        cache.key = None;
                        send(WorkerMsg::Failed(id, e.to_string()));
                        return;
                    }
                }
            }
            let (Some(s), Some(info)) = (cache.setup.clone(), cache.info.clone()) else {
                return;
            };
            let settings = exp.path_settings();
            let path = match fit_path(&s.prep, &settings, &ctl) {
                Ok(p) => Arc::new(p),
                Err(_) => {
                    send(WorkerMsg::Cancelled(id));
                    return;
                }
            };
            send(WorkerMsg::PathReady(id, info, path.clone()));
            match cross_validate(&s.prep, &s.fold_ids, s.k, &settings, &path.alphas, &ctl) {
                Ok(cv) => send(WorkerMsg::CvReady(id, Arc::new(cv))),
                Err(_) => send(WorkerMsg::Cancelled(id)),
            }
        }
        JobKind::Point { exp, alpha, warm } => {
            if let Some((_, design)) = &mut cache.design {
                design.settings = exp.path_settings();
                match design.fit_alpha(*alpha, &ctl) {
                    Ok(p) => send(WorkerMsg::PointReady(id, *alpha, Arc::new(p))),
                    Err(_) => send(WorkerMsg::Cancelled(id)),
                }
                return;
            }
            let Some(s) = cache.setup.clone() else {
                send(WorkerMsg::Failed(id, "no data is loaded yet".into()));
                return;
            };
            let settings = exp.path_settings();
            match fit_alpha(&s.prep, &settings, *alpha, warm.as_deref(), &ctl) {
                Ok(p) => send(WorkerMsg::PointReady(id, *alpha, Arc::new(p))),
                Err(_) => send(WorkerMsg::Cancelled(id)),
            }
        }
        JobKind::Diagnose => {
            use crate::solver::Moments;
            use crate::solver::collinearity::collinearity;
            // the statistics of the rows as fitted (the standardized rows' correlation is
            // the rows'): from the design, or from the prepared rows
            let found = match (&cache.design, &cache.setup, &cache.info) {
                (Some((_, design)), _, _) => {
                    Some((design.moments.total(), design.provenance.features.clone()))
                }
                (None, Some(s), _) => Some((
                    Moments::from_block(s.prep.z_slice(), s.prep.y_slice(), s.prep.p()),
                    s.features.clone(),
                )),
                _ => None,
            };
            let msg = match found {
                Some((m, features)) => Ok(Arc::new(Diagnosis {
                    features,
                    d: collinearity(&m, 10),
                })),
                None => Err("no data is loaded yet".to_string()),
            };
            send(WorkerMsg::Diagnosed(id, msg));
        }
        JobKind::Compare { exp, ratios } => {
            let msg = match basis(cache) {
                None => Err("no data is loaded yet".to_string()),
                Some((b, _)) => match compare(exp, ratios, b, &ctl) {
                    Ok(Ok(c)) => Ok(Arc::new(c)),
                    Ok(Err(_)) => return send(WorkerMsg::Cancelled(id)),
                    Err(e) => Err(e),
                },
            };
            send(WorkerMsg::Compared(id, msg));
        }
        JobKind::Stability { exp } => {
            let msg = match basis(cache) {
                None => Err("no data is loaded yet".to_string()),
                Some((b, features)) => match stability_of(exp, b, &features, &ctl) {
                    Ok(Ok(r)) => Ok(Arc::new(r)),
                    Ok(Err(_)) => return send(WorkerMsg::Cancelled(id)),
                    Err(e) => Err(e),
                },
            };
            send(WorkerMsg::Stabilized(id, msg));
        }
    }
}

/// What the fit on screen was made from, with its feature names: the statistics
/// design, else the rows in memory.
fn basis(cache: &mut Cache) -> Option<(Basis<'_>, Vec<String>)> {
    if let Some((_, design)) = &mut cache.design {
        let features = design.provenance.features.clone();
        return Some((Basis::Design(design), features));
    }
    let s = cache.setup.as_deref()?;
    Some((Basis::Rows(s), s.features.clone()))
}

/// A fit on the statistics route: the design is built (streamed with progress, or read
/// from a statistics file) unless the cache holds one for the same key, then the path
/// and the CV are solved from it.
#[allow(clippy::too_many_arguments)]
fn fit_statistics(
    id: JobId,
    exp: &Experiment,
    key: DesignKey,
    reload: bool,
    flag: &AtomicBool,
    ctl: &Control,
    cache: &mut Cache,
    send: &(dyn Fn(WorkerMsg) + Sync),
) {
    let fresh = reload || cache.design.as_ref().is_none_or(|(k, _)| *k != key);
    // the first job of a session loads with `reload` too: only an explicit reload of
    // statistics already on screen (`r`) passes the cache by
    let reread = reload && cache.design.is_some();
    if fresh {
        cache.design = None;
        // the rate counts from the first batch: the row count and the levels query
        // before it read the file at another speed
        let first: Mutex<Option<(Instant, usize)>> = Mutex::new(None);
        // rows read so far, their rate, and whether to go on (a newer job cancels)
        let on_batch = |r: crate::data::stream::ReadProgress| {
            let rows = r.rows;
            let (t0, rows0) = *lock(&first).get_or_insert((Instant::now(), rows));
            let secs = t0.elapsed().as_secs_f64();
            let per_sec = if secs > 0.0 && rows > rows0 {
                ((rows - rows0) as f64 / secs) as u64
            } else {
                0
            };
            send(WorkerMsg::Progress(
                id,
                Progress {
                    stage: Stage::Read {
                        per_sec,
                        estimated: r.estimated,
                    },
                    done: rows,
                    total: r.total,
                },
            ));
            !flag.load(Ordering::Relaxed)
        };
        let built = match &key.stats {
            Some(file) => Design::from_stats_file(exp, file).map(|d| (d, false)),
            None => Design::stream_cached(
                exp,
                &key.source,
                cache.stats_dir.as_deref(),
                reread,
                &on_batch,
            ),
        };
        if flag.load(Ordering::Relaxed) {
            send(WorkerMsg::Cancelled(id));
            return;
        }
        let (design, cached) = match built {
            Ok(d) => d,
            Err(e) => {
                send(WorkerMsg::Failed(id, e.to_string()));
                return;
            }
        };
        let p = &design.provenance;
        send(WorkerMsg::Loaded(id, column_infos(p, key.stats.is_some())));
        cache.info = Some(Arc::new(DataInfo {
            source: p.source.clone(),
            target: p.target.clone(),
            features: p.features.clone(),
            n: design.n(),
            p: design.p(),
            rows_dropped: p.rows_dropped,
            notes: {
                let mut notes = p.notes.clone();
                if cached {
                    notes.push(
                        "statistics reused from the cache (the table is unchanged); r reads it again"
                            .into(),
                    );
                }
                notes
            },
        }));
        cache.design = Some((key, design));
    }
    let (Some((_, design)), Some(info)) = (&mut cache.design, cache.info.clone()) else {
        return;
    };
    design.settings = exp.path_settings();
    let path = match design.fit_path(ctl) {
        Ok(p) => Arc::new(p),
        Err(_) => {
            send(WorkerMsg::Cancelled(id));
            return;
        }
    };
    send(WorkerMsg::PathReady(id, info, path.clone()));
    match design.cross_validate(&path.alphas, ctl) {
        Ok(Ok(cv)) => send(WorkerMsg::CvReady(id, Arc::new(cv))),
        Ok(Err(_)) => send(WorkerMsg::Cancelled(id)),
        Err(e) => send(WorkerMsg::Failed(id, e.to_string())),
    }
}

/// The picker's columns on the statistics route, from the source's schema. A
/// statistics file fixes the target and features, so it lists only those.
fn column_infos(p: &crate::data::stats_file::Provenance, fixed: bool) -> Vec<ColumnInfo> {
    p.schema
        .iter()
        .filter(|(name, _)| !fixed || *name == p.target || p.features.contains(name))
        .map(|(name, dtype)| {
            let levels = p
                .levels
                .iter()
                .find(|(c, _)| c == name)
                .map(|(_, l)| l.len());
            let kind = match (levels, dtype.as_str()) {
                (Some(levels), _) => ColumnKind::Text { levels },
                (None, "bool") => ColumnKind::Boolean,
                (None, "str" | "cat") => ColumnKind::Text { levels: 0 },
                (None, t) if t.len() <= 4 && t.starts_with(['i', 'u', 'f']) => ColumnKind::Numeric,
                (None, t) => ColumnKind::Other(t.to_string()),
            };
            // missing values are counted only for the columns used (in the notes)
            ColumnInfo {
                name: name.clone(),
                kind,
                missing: 0,
            }
        })
        .collect()
}

/// Runs jobs on the calling thread and collects their messages (progress left out): the
/// deterministic fixture fitter of the screen tests and the benchmark.
#[derive(Default)]
pub struct SyncFitter {
    cache: Cache,
}

impl SyncFitter {
    /// A fitter that keeps no statistics cache.
    pub fn new() -> SyncFitter {
        SyncFitter::default()
    }

    /// A fitter whose statistics cache lives in `dir` (the workbench uses the user's
    /// cache folder).
    pub fn with_stats_dir(dir: PathBuf) -> SyncFitter {
        SyncFitter {
            cache: Cache {
                stats_dir: Some(dir),
                ..Cache::default()
            },
        }
    }

    pub fn run(&mut self, job: &Job) -> Vec<WorkerMsg> {
        let out = Mutex::new(Vec::new());
        let flag = AtomicBool::new(false);
        let send = |m: WorkerMsg| {
            if !matches!(m, WorkerMsg::Progress(..)) {
                lock(&out).push(m);
            }
        };
        run_job(job, &flag, &mut self.cache, &send);
        out.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

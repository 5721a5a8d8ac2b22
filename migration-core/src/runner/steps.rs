//! Rust steps: the functions `-- retort:run NAME` lines call, registered
//! with [`Migrator::step`](super::Migrator::step).

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use crate::backend::DatabaseConnection;
use crate::revision::step_name;

/// What a step returns: any error, which fails its revision.
pub type StepResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// A registered step, its connection type erased: `None` when called with
/// another connection type than it was registered for.
type ErasedStep<'m> = dyn Fn(&mut dyn Any) -> Option<StepResult> + Send + Sync + 'm;

/// The steps a migrator knows, by name.
#[derive(Clone, Default)]
pub(super) struct Steps<'m> {
    by_name: BTreeMap<String, Registered<'m>>,
}

#[derive(Clone)]
struct Registered<'m> {
    /// The connection type it was registered for, for the error when a
    /// revision runs it on another.
    connection: &'static str,
    run: Arc<ErasedStep<'m>>,
}

impl fmt::Debug for Steps<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.by_name.keys()).finish()
    }
}

impl<'m> Steps<'m> {
    /// Registers `step` under `name`, replacing any earlier one.
    pub(super) fn register<C, F>(&mut self, name: &str, step: F)
    where
        C: DatabaseConnection,
        F: Fn(&mut C) -> StepResult + Send + Sync + 'm,
    {
        let run = move |conn: &mut dyn Any| conn.downcast_mut::<C>().map(&step);
        self.by_name.insert(
            name.to_owned(),
            Registered {
                connection: std::any::type_name::<C>(),
                run: Arc::new(run),
            },
        );
    }

    /// Whether a step is registered under `name`.
    pub(super) fn contains(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    /// The registered names, in order.
    pub(super) fn names(&self) -> Vec<String> {
        self.by_name.keys().cloned().collect()
    }

    /// Runs one statement of a script: the step a `-- retort:run NAME`
    /// line names, or the SQL. A step's error comes back as diesel's
    /// `QueryBuilderError` holding a [`StepFailed`], so the runner reports
    /// and records it as it does a failed statement.
    pub(super) fn execute<C: DatabaseConnection>(
        &self,
        conn: &mut C,
        statement: &str,
    ) -> diesel::QueryResult<()> {
        let Some(name) = step_name(statement) else {
            return conn.batch_execute(statement);
        };
        let failed = |source: Box<dyn std::error::Error + Send + Sync>| {
            diesel::result::Error::QueryBuilderError(Box::new(StepFailed {
                name: name.to_owned(),
                source,
            }))
        };
        let Some(registered) = self.by_name.get(name) else {
            // The plan refuses unregistered steps before anything runs.
            return Err(failed("it is not registered".into()));
        };
        tracing::info!(step = name, "Running step {name}");
        let any: &mut dyn Any = conn;
        match (registered.run)(any) {
            Some(outcome) => outcome.map_err(failed),
            None => Err(failed(
                format!(
                    "it was registered for a {} but the migration runs on a {}",
                    registered.connection,
                    std::any::type_name::<C>()
                )
                .into(),
            )),
        }
    }
}

/// A step that returned an error.
#[derive(Debug)]
pub struct StepFailed {
    /// The step's name.
    pub name: String,
    /// What it returned.
    pub source: Box<dyn std::error::Error + Send + Sync>,
}

impl fmt::Display for StepFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "step `{}` failed: {}", self.name, self.source)
    }
}

impl std::error::Error for StepFailed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

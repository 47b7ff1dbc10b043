//! The local AWS emulator (moto) and the seeded demo fleet, used by `ecsnap demo` and by
//! the end-to-end tests; for the demo, the emulator's rollout dynamics and the failing
//! rollout, the paused canary deployment and the load-balanced service with one unhealthy
//! target they act out.

pub mod ages;
pub mod balanced;
pub mod canary;
pub mod dynamics;
pub mod emulator;
pub mod failing;
pub mod fleet;
pub mod install;
pub mod metrics;
pub mod route_cache;

pub use dynamics::Dynamics;
pub use emulator::{Emulator, MOTO_VERSION};
pub use fleet::{DemoFleet, seed};

//! The local AWS emulator (moto) and the seeded demo fleet, used by `ecsnap demo` and by
//! the end-to-end tests.

pub mod emulator;
pub mod fleet;
pub mod install;

pub use emulator::{Emulator, MOTO_VERSION};
pub use fleet::{DemoFleet, seed};

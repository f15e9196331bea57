//! Terminal front ends.
pub mod device_args;
pub mod run;

//! Terminal front ends.
pub mod debug;
pub mod run;

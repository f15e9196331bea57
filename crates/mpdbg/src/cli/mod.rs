//! Terminal front ends.
pub mod run;

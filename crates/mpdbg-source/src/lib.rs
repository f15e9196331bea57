//! Source analysis for mpdbg (see issue: source model).

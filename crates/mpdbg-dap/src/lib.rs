//! DAP wire layer for mpdbg.

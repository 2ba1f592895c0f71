//! Feature `storm` (to be written).
#![forbid(unsafe_code)]

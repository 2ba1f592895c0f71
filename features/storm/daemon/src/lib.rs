//! Feature `storm` in lisad (to be written).
#![forbid(unsafe_code)]

//! The LACP machines (to be written).

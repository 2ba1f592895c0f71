//! LACPDUs on the wire (to be written).

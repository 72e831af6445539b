//! Validation of a plan overlay (`careloop policy check FILE`).

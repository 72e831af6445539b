//! Which Community Supports a plan offers in a county on a date.

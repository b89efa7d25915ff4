//! Statutory visit timescales: a rules table a council can edit turns plan type and history into the next deadline.

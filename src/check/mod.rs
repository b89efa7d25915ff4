//! The independent checker: re-derives feasibility and cost of a rota from the inputs alone.

//! The day optimiser: column generation over worker-day plans on good_lp + HiGHS.

//! Cases of households: lifecycle, timeline, read models.

/** Log levels of run events from least to most severe, as the database allows them (run_events_level_valid). */
export const EVENT_LEVELS = ['debug', 'info', 'warn', 'error'] as const
export type EventLevel = (typeof EVENT_LEVELS)[number]

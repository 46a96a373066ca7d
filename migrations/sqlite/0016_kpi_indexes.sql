-- A question with two or more dimension filters reads the finest grain
-- (every dimension). Its primary key leads with the week, so without these
-- a filter on one account or carrier would read every row of the range.
CREATE INDEX kpi_weekly_by_account ON kpi_weekly (tenant_id, grain, account_id, week);
CREATE INDEX kpi_weekly_by_carrier ON kpi_weekly (tenant_id, grain, carrier, week);
CREATE INDEX kpi_exceptions_by_account ON kpi_exceptions_weekly (tenant_id, grain, account_id, week);
CREATE INDEX kpi_exceptions_by_carrier ON kpi_exceptions_weekly (tenant_id, grain, carrier, week);

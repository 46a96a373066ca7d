-- Indexes for queries the earlier migrations left to table scans, kept in
-- step with migrations/postgres.
CREATE INDEX shipment_lines_by_order_line ON shipment_lines (order_line_id);
CREATE INDEX events_by_order_id ON events (order_id, id);
CREATE INDEX events_by_recorded_at ON events (recorded_at);
CREATE INDEX events_unmapped ON events (tenant_id) WHERE canonical = 'unmapped';
CREATE INDEX webhook_endpoints_by_tenant ON webhook_endpoints (tenant_id) WHERE disabled_at IS NULL;
CREATE INDEX notifications_by_subscription ON notifications (subscription_id) WHERE state = 'pending';
CREATE INDEX notifications_codes_by_recipient ON notifications (tenant_id, recipient, created_at)
    WHERE trigger = 'subscription_code';

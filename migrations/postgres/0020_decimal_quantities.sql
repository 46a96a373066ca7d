-- Decimal quantities (2.5 LB, 1.00 EA): every quantity column now holds
-- thousandths of the line's unit, so 2.5 is 2500 and sums stay exact
-- integers. Existing whole quantities are scaled once here.
UPDATE order_lines SET quantity = quantity * 1000, cancelled_quantity = cancelled_quantity * 1000;
UPDATE shipment_lines SET quantity = quantity * 1000;
UPDATE pack_items SET quantity = quantity * 1000;
UPDATE receipt_lines SET expected = expected * 1000, counted = counted * 1000, damaged = damaged * 1000;
UPDATE receipt_revision_lines SET counted_before = counted_before * 1000, damaged_before = damaged_before * 1000,
    counted = counted * 1000, damaged = damaged * 1000;

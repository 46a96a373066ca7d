# The status dictionary's buyer texts: one label and one explanation per
# milestone and problem. Keys are the canonical codes (see the status
# dictionary page); `-explain` is the sentence under the label.

milestone-placed = Order placed
milestone-placed-explain = We have received your order.
milestone-confirmed = Order confirmed
milestone-confirmed-explain = Your order is confirmed and being prepared.
milestone-released_to_warehouse = Released to warehouse
milestone-released_to_warehouse-explain = {""}
milestone-picked = Picked
milestone-picked-explain = {""}
milestone-packed = Packed
milestone-packed-explain = Your items are packed and waiting for the carrier.
milestone-shipped = Shipped
milestone-shipped-explain = The carrier has your parcel.
milestone-in_transit = In transit
milestone-in_transit-explain = Your parcel is on its way.
milestone-arrived_at_hub = Arrived at local hub
milestone-arrived_at_hub-explain = Your parcel reached the depot near you.
milestone-out_for_delivery = Out for delivery
milestone-out_for_delivery-explain = Your parcel is on the delivery vehicle today.
milestone-arriving_soon = Arriving soon
milestone-arriving_soon-explain = The driver is nearly at your address.
milestone-delivered = Delivered
milestone-delivered-explain = Your parcel has been delivered.

exception-delayed = Delayed
exception-delayed-explain = Your parcel is running late. It is still on its way and we will update the delivery date as soon as the carrier does.
exception-delayed-next = It is still on its way; the new date shows here as soon as the carrier gives one.
exception-failed_attempt = Delivery attempt failed
exception-failed_attempt-explain = The driver could not deliver your parcel. They will usually try again on the next working day.
exception-failed_attempt-next = The carrier usually tries again on the next working day.
exception-address_issue = Problem with the address
exception-address_issue-explain = The carrier could not find or reach the delivery address. Please contact us so we can correct it.
exception-address_issue-next = Please contact us so we can correct the address; the parcel waits meanwhile.
exception-damaged = Damaged in transit
exception-damaged-explain = Your parcel was damaged on its way. Our support team will contact you about a replacement.
exception-damaged-next = Our support team will contact you about a replacement.
exception-held = Held
exception-held-explain = Your parcel is being held by the carrier (for example at customs or at the depot). It will move again once released.
exception-held-next = It moves again once the carrier releases it; this page updates when it does.
exception-returned_to_sender = Returned to sender
exception-returned_to_sender-explain = Your parcel is on its way back to us. Please contact support to arrange a new delivery or a refund.
exception-returned_to_sender-next = Please contact us to arrange a new delivery or a refund.
exception-cancelled = Cancelled
exception-cancelled-explain = This order was cancelled.
exception-cancelled-next = Nothing more from this order will ship.
exception-condition_excursion = Condition alert
exception-condition_excursion-explain = A sensor travelling with your shipment reported conditions outside the agreed range. Our team is checking the goods.
exception-condition_excursion-next = Our team is checking the goods and will contact you if they are affected.
exception-receiving_discrepancy = Quantity discrepancy at receiving
exception-receiving_discrepancy-explain = The quantity counted at receiving differs from what was shipped. Our team is looking into it.
exception-receiving_discrepancy-next = Our team is looking into the difference.
exception-predicted_late = Running late
exception-predicted_late-explain = Your order is likely to arrive after the date we promised. It is still on its way; we are keeping an eye on it.
exception-predicted_late-next = It is still on its way; we are keeping an eye on it.
exception-incomplete_order = Order details missing
exception-incomplete_order-explain = We are completing your order's details before it ships. We will contact you if we need anything.
exception-incomplete_order-next = We will contact you if we need anything before it ships.

resolved-condition_excursion = Conditions back in range
resolved-predicted_late = Back on track
resolved-incomplete_order = Order details completed
resolved-other = Problem resolved

# Finer meanings a buyer must read (the table's fifth column).
meaning-available_for_pickup = Available for pickup
meaning-available_for_pickup-explain = Your parcel is waiting for you at a pickup point. Take an ID and your tracking number; it is kept for a limited time.
meaning-delivered_to_neighbour = Delivered to a neighbour
meaning-delivered_to_neighbour-explain = The driver left your parcel with a neighbour.
meaning-delivered_to_safe_place = Delivered to a safe place
meaning-delivered_to_safe_place-explain = The driver left your parcel in the safe place agreed for this address.
meaning-delivered_to_locker = Delivered to a parcel locker
meaning-delivered_to_locker-explain = Your parcel is in a parcel locker; the carrier sends the code to open it.
meaning-lost = Lost
meaning-lost-explain = The carrier has lost your parcel. Our support team will contact you about a replacement or a refund.
meaning-held_at_customs = Held at customs
meaning-held_at_customs-explain = Your parcel is being checked by customs. It moves again once cleared; duties or documents may be needed.

# Returns (RMA) on the order's thread
return-requested = Return requested
return-requested-explain = We've got your request and will review it shortly.
return-approved = Return approved
return-approved-explain = Your return is approved. Please send the items back as instructed.
return-declined = Return declined
return-declined-explain = We can't accept this return. Our message explains why.
return-label_issued = Return label ready
return-label_issued-explain = Print the return label and attach it to your parcel.
return-in_transit = Return on its way
return-in_transit-explain = The carrier has your return parcel and is bringing it to us.
return-received = We've received your return
return-received-explain = We're checking the items and will let you know the outcome.
return-inspected = Return checked
return-inspected-explain = We've checked the items and are settling your return.
return-refunded = Refund issued
return-refunded-explain = Your refund is issued. It can take a few working days to show.
return-credited = Store credit issued
return-credited-explain = Store credit for your return has been added to your account.
return-cancelled = Return cancelled
return-cancelled-explain = This return was cancelled. Nothing more is needed from you.

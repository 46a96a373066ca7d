# The tracking page a buyer opens from a link.

page-title = Order { $number } · { $brand }
order-number = Order { $number }
order-po = PO { $po }
language-label = Language
language-change = Change

## The headline
partly-delivered-more-to-follow = Partly delivered, more items to follow
shipments-delivered = { $delivered } of { $shipments ->
    [one] { $shipments } shipment delivered
   *[other] { $shipments } shipments delivered
}
more-items-to-follow = { $stage }, more items to follow
stage-with-shipments = { $stage } ({ $shipments } shipments)
on-shipment = { $shipment } · { $text }
received-by = Received by { $name }
arriving-today = Arriving today
pickup-at = At { $place }
no-new-date-yet = We don't have a new delivery date yet; it shows here as soon as the carrier gives one.
expected-by = Expected by
promised-for = Promised for
late-on-vehicle = Your order is running late. It was promised for { $date }; it is on the delivery vehicle today.
late-not-arrived = Your order is running late. It was promised for { $date } and has not arrived yet. We're on it and will update this page as soon as it moves.
late-likely = Your order is running late. It is likely to arrive after { $date }, the date we promised.

## The predicted window
arriving-on = Arriving { $day }
arriving-window = Arriving { $range }, most likely { $likely }
forecast-history = Based on { $deliveries ->
    [one] { $deliveries } delivery
   *[other] { $deliveries } deliveries
} on this route in the last { $days } days.
forecast-carrier = The carrier's own estimate; no delivery history for this route yet.
forecast-promised = The date promised at checkout; no delivery history for this route yet.
forecast-last-mile = From the delivery vehicle's position.

## The progress bar
progress-label = Progress
progress-ordered = Ordered
progress-packed = Packed
progress-shipped = Shipped
progress-out-for-delivery = Out for delivery
progress-delivered = Delivered
progress-partly-delivered = Partly delivered

## Problems
problems-label = Problems with your delivery
condition-temperature = Temperature read { $value } °C, { $limit }, { $lasted }.
condition-humidity = Humidity read { $value }%, { $limit }, { $lasted }.
condition-shock = Shock read { $value } g, { $limit }, { $lasted }.
condition-battery = Battery read { $value }%, { $limit }, { $lasted }.
condition-door = The door was open { $lasted }.
condition-above = above the { $limit } limit
condition-below = below the { $limit } limit
condition-outside = outside its limits
condition-for = for { $duration }
condition-for-so-far = for { $duration } so far
condition-back = Back in range. { $text }
duration-minutes = { $minutes } min
duration-hours = { $hours } h
duration-hours-minutes = { $hours } h { $minutes } min

## The timeline
tracking-history = Tracking history
time-zone-note = Times are shown in the delivery address's time zone ({ $zone }).
source-clock = { $time } local time (UTC{ $offset })
show-all-updates = { $count ->
    [one] Show { $count } update
   *[other] Show all { $count } updates
}
show-fewer-updates = Show fewer updates
new-update = New update:

## Shipments and items
shipment-one = Shipment
timeline-return = Return
shipment-n-of = Shipment { $index } of { $count }
shipments-heading = Your order ships in several parcels
shipment-waiting = Packed, waiting for the carrier
tracking-number = Tracking number
items-heading = Items
item-column = Item
ordered-column = Ordered
shipped-column = Shipped
to-follow-column = To follow
will-not-ship = { $count } will not ship (cancelled)

## The last mile
on-its-way-heading = On its way to you
arriving-between = Arriving { $from } – { $to }
location-updated = Location updated { $time }
next-delivery = You're the next delivery
deliveries-before = { $count ->
    [one] { $count } delivery before yours
   *[other] { $count } deliveries before yours
}
map-label = Map of the delivery vehicle and your address
map-vehicle = Delivery vehicle
map-address = Delivery address

## Proof of delivery
pod-heading = Proof of delivery
pod-received-by = Received by
pod-signature-of = Signature of { $name }
pod-photo = Delivery photo { $number }

## Address and help
help-heading = Need help with this delivery?
change-delivery = Arrange a new delivery or a pickup with { $carrier }
request-kind-label = What do you need?
request-instructions = Update delivery instructions
request-problem = Report a problem
request-text-label = Your message
request-send = Send to customer service
request-sent = Thank you. Customer service has your message and will get back to you.
request-empty = Please choose what you need and write a message (at most 1,000 characters).
request-limited = You have sent several messages today; customer service will get back to you.
carrier-site = on the carrier's site
copy-tracking-number = Copy
copied = Copied
delivering-to = Delivering to
contact-service = Contact { $brand } customer service:

## Updates by email or text
updates-heading = Get updates
updates-when-ships = when your order ships, is out for delivery and arrives
updates-when-rest-ships = when the rest of your order ships, is out for delivery and arrives
updates-when-out = when your order is out for delivery and arrives
updates-when-arrives = when your order arrives
updates-intro = We'll email or text you { $when }, and at once if something goes wrong.
updates-confirmed = You're set: we'll tell you { $when }.
updates-address-label = Email or mobile number (with +country code)
updates-send-code = Send me a code
updates-code-sent = We sent a code to { $address }.
updates-code-label = Code
updates-confirm = Confirm
updates-link-invalid = This tracking link is no longer valid.
updates-enter-address = Please enter a valid email address, or a mobile number with its +country code.
updates-already = { $address } already gets updates.
updates-too-many-codes = We have sent several codes already; please try again in an hour.
updates-start-again = Please start again with your email address or phone number.
updates-wrong-code = That code is not right (or has expired). Check it, or ask for a new one.
updates-unavailable = Updates are temporarily unavailable.

## The proof-of-delivery PDF a buyer downloads
pod-pdf-title = Proof of delivery
pod-pdf-order = Order
pod-pdf-customer-po = Customer PO
pod-pdf-shipment = Shipment
pod-pdf-received-by = Received by
pod-pdf-delivered-at = Delivered at
pod-pdf-place = Place
pod-pdf-ship-to = Ship to
pod-pdf-reference = POD reference
pod-pdf-lines = Lines
pod-pdf-line = Line
pod-pdf-sku = SKU
pod-pdf-description = Description
pod-pdf-quantity = Quantity
pod-pdf-no-lines = No lines recorded.
pod-pdf-note = Note
pod-pdf-stored-files = Stored files
pod-pdf-no-files = No files stored.
pod-pdf-receiving = Found at receiving
pod-pdf-continued = (continued)
pod-pdf-download = Proof of delivery (PDF)

# Returns
returns-heading = Returns
returns-up-to = Up to { $quantity }
returns-window = You can return items until { $date }.
returns-start = Return items
returns-quantity = How many
returns-reason = Why
returns-photo = Photo
returns-comment = Anything else we should know? (optional)
returns-resolution = What would you like?
returns-submit = Request return
returns-photo-needed = A photo is needed for: { $reasons }.
returns-requested-at = Requested { $when }
returns-label = Print return label (PDF)
returns-tracking = Return tracking: { $carrier } { $number }
returns-credited = Store credit issued: { $amount } (ref. { $reference })
returns-refunded = Refund issued: { $amount } (ref. { $reference })
returns-sent = Return { $rma } requested. Follow it here.
returns-declined-because = Reason: { $reason }
returns-refused-outside_window = The return window for these items has closed.
returns-refused-not_returnable = These items can't be returned.
returns-refused-more_than_returnable = You asked to return more than can still be returned.
returns-refused-photo_required = Please add a photo for items that arrived damaged or don't work.
returns-refused-photo_unreadable = We couldn't use that photo. Please send a JPEG or PNG of at most 8 MB.
returns-refused-nothing = Choose at least one item and a reason.
returns-refused-limited = Too many return requests today. Please contact us instead.
return-reason-wrong_item = Wrong item sent
return-reason-damaged = Arrived damaged
return-reason-defective = Doesn't work
return-reason-not_as_described = Not as described
return-reason-no_longer_needed = No longer needed
return-reason-arrived_late = Arrived too late
return-reason-other = Other reason
return-resolution-refund = Refund
return-resolution-exchange = Exchange
return-resolution-store_credit = Store credit

# Return label
label-title = Return label
label-from = From
label-to = To
label-rma = Return number
label-order = Order
label-cut-here = Cut along the dashed line
label-instructions = Instructions
label-contents = In this parcel
label-sku = SKU
label-description = Description
label-quantity = Quantity
label-reason = Reason
label-no-lines = No lines.
label-continued = (continued)
label-no-address = Ask us for the return address.
label-step-print = Print this page and cut out the label along the dashed line.
label-step-pack = Pack the items listed below securely and tape the label to the outside of the parcel.
label-step-hand-over = Hand the parcel to the carrier. Your tracking page follows the return until it is settled.

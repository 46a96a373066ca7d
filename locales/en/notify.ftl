# Emails and text messages to buyers who signed up for updates.

code-subject = Your code for updates on order { $number }
code-body = Your code is { $code }. Type it on the tracking page to get updates about order { $number }. If you did not ask for this, ignore this message.
code-sms-text = { $brand }: your code for updates on order { $number } is { $code }
notify-confirmed-subject = We have your order { $number }
notify-confirmed-text = Your order is confirmed and being prepared.
notify-shipped-subject = Your order { $number } is on its way
notify-shipped-text = Your order has left our warehouse.
notify-out_for_delivery-subject = Your order { $number } arrives today
notify-out_for_delivery-text = Your order is out for delivery.
notify-delivered-subject = Your order { $number } was delivered
notify-delivered-text = Your order has been delivered.
notify-order_lookup-subject = Track your order { $number }
notify-order_lookup-text = Here is the link you asked for to follow your order. It works for one day.
notify-cs_delay-subject = Your order { $number } is running late
notify-cs_delay-text = We are sorry your order is taking longer than planned. Our team is on it and will keep you posted.
notify-cs_address-subject = Please check the delivery address for order { $number }
notify-cs_address-text = The carrier needs help finding your delivery address. Please reply or contact us to confirm it.
notify-cs_sorted-subject = Good news about your order { $number }
notify-cs_sorted-text = The problem with your order has been sorted out. Thank you for your patience.
notify-other-subject = Update on your order { $number }: { $label }
notify-follow-live = Follow it live:
notify-follow-link = Follow your order live
notify-questions = Questions? Write to { $email }.
notify-no-more = No more updates about this order:
notify-unsubscribe = Unsubscribe from updates about this order
notify-sms-unsubscribe = Stop: { $url }

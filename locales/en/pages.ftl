# Pages around the tracking page: order lookup and unsubscribe.

## Track your order (no link)
lookup-title = Track your order
lookup-title-brand = Track your order · { $brand }
lookup-which-shop = Which shop did you order from? Enter the shop code from your order confirmation.
lookup-shop-code = Shop code
lookup-continue = Continue
lookup-intro = Enter your order number and the email address or the delivery postcode on the order.
lookup-order-number = Order number
lookup-email-or-postcode = Email address or delivery postcode
lookup-find = Find my order
lookup-need-help = Need help?
lookup-missing-number = Please enter your order number.
lookup-number-too-long = That order number is too long. Please check it against your order confirmation.
lookup-answer-too-long = That email address or postcode is too long.
lookup-missing-answer = Please enter the email address or the delivery postcode on the order.
lookup-link-sent = If those details match an order, we have sent a tracking link to the email address on the order. It works for one day.
lookup-not-found = We couldn't find an order with those details. Please check the order number and the email address or postcode on your order confirmation.
lookup-too-many = { $minutes ->
    [one] Too many tries. Please try again in { $minutes } minute.
   *[other] Too many tries. Please try again in { $minutes } minutes.
}

## Unsubscribe
unsubscribe-button = Unsubscribe
unsubscribe-unknown-title = Link not recognised
unsubscribe-unknown-text = This unsubscribe link is not valid.
unsubscribe-ask-title = Stop updates about this order?
unsubscribe-ask-text = You will get no more emails or texts about this order.
unsubscribe-done-title = You are unsubscribed
unsubscribe-done-text = You will get no more updates about order { $number }.
unsubscribe-failed-title = Something went wrong
unsubscribe-failed-text = Please try the link again later.

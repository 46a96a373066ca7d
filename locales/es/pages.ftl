# Páginas alrededor de la página de seguimiento: búsqueda de pedidos y baja.

## Sigue tu pedido (sin enlace)
lookup-title = Sigue tu pedido
lookup-title-brand = Sigue tu pedido · { $brand }
lookup-which-shop = ¿En qué tienda hiciste el pedido? Introduce el código de tienda de tu confirmación de pedido.
lookup-shop-code = Código de tienda
lookup-continue = Continuar
lookup-intro = Introduce tu número de pedido y el correo electrónico o el código postal de entrega del pedido.
lookup-order-number = Número de pedido
lookup-email-or-postcode = Correo electrónico o código postal de entrega
lookup-find = Buscar mi pedido
lookup-need-help = ¿Necesitas ayuda?
lookup-missing-number = Introduce tu número de pedido.
lookup-number-too-long = Ese número de pedido es demasiado largo. Compruébalo en tu confirmación de pedido.
lookup-answer-too-long = Ese correo electrónico o código postal es demasiado largo.
lookup-missing-answer = Introduce el correo electrónico o el código postal de entrega del pedido.
lookup-link-sent = Si los datos coinciden con un pedido, hemos enviado un enlace de seguimiento al correo electrónico del pedido. Funciona durante un día.
lookup-not-found = No encontramos ningún pedido con esos datos. Comprueba el número de pedido y el correo electrónico o el código postal de tu confirmación de pedido.
lookup-too-many = { $minutes ->
    [one] Demasiados intentos. Vuelve a intentarlo dentro de { $minutes } minuto.
   *[other] Demasiados intentos. Vuelve a intentarlo dentro de { $minutes } minutos.
}

## Baja
unsubscribe-button = Darme de baja
unsubscribe-unknown-title = Enlace no reconocido
unsubscribe-unknown-text = Este enlace para darse de baja no es válido.
unsubscribe-ask-title = ¿Dejar de recibir avisos de este pedido?
unsubscribe-ask-text = No recibirás más correos ni mensajes sobre este pedido.
unsubscribe-done-title = Te has dado de baja
unsubscribe-done-text = No recibirás más avisos sobre el pedido { $number }.
unsubscribe-failed-title = Algo ha ido mal
unsubscribe-failed-text = Vuelve a probar el enlace más tarde.

# Correos y SMS para compradores que se suscribieron a los avisos.

code-subject = Tu código para recibir avisos del pedido { $number }
code-body = Tu código es { $code }. Escríbelo en la página de seguimiento para recibir avisos del pedido { $number }. Si no lo has pedido, ignora este mensaje.
code-sms-text = { $brand }: tu código para recibir avisos del pedido { $number } es { $code }
notify-confirmed-subject = Hemos recibido tu pedido { $number }
notify-confirmed-text = Tu pedido está confirmado y en preparación.
notify-shipped-subject = Tu pedido { $number } está en camino
notify-shipped-text = Tu pedido ha salido de nuestro almacén.
notify-out_for_delivery-subject = Tu pedido { $number } llega hoy
notify-out_for_delivery-text = Tu pedido está en reparto.
notify-delivered-subject = Tu pedido { $number } ha sido entregado
notify-delivered-text = Tu pedido ha sido entregado.
notify-order_lookup-subject = Sigue tu pedido { $number }
notify-order_lookup-text = Aquí tienes el enlace que pediste para seguir tu pedido. Funciona durante un día.
notify-other-subject = Novedades de tu pedido { $number }: { $label }
notify-follow-live = Síguelo en directo:
notify-follow-link = Sigue tu pedido en directo
notify-questions = ¿Tienes preguntas? Escribe a { $email }.
notify-no-more = Dejar de recibir avisos de este pedido:
notify-unsubscribe = Darme de baja de los avisos de este pedido
notify-sms-unsubscribe = Baja: { $url }

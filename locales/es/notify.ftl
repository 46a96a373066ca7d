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
notify-cs_delay-subject = Tu pedido { $number } va con retraso
notify-cs_delay-text = Sentimos que tu pedido tarde más de lo previsto. Nuestro equipo se está ocupando y te mantendrá informado.
notify-cs_address-subject = Revisa la dirección de entrega del pedido { $number }
notify-cs_address-text = El transportista necesita ayuda para encontrar tu dirección de entrega. Responde o contáctanos para confirmarla.
notify-cs_sorted-subject = Buenas noticias sobre tu pedido { $number }
notify-cs_sorted-text = El problema con tu pedido está resuelto. Gracias por tu paciencia.
notify-other-subject = Novedades de tu pedido { $number }: { $label }
notify-follow-live = Síguelo en directo:
notify-follow-link = Sigue tu pedido en directo
notify-questions = ¿Tienes preguntas? Escribe a { $email }.
notify-no-more = Dejar de recibir avisos de este pedido:
notify-unsubscribe = Darme de baja de los avisos de este pedido
notify-sms-unsubscribe = Baja: { $url }

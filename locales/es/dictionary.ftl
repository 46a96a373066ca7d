# Textos del diccionario de estados para compradores: una etiqueta y una
# explicación por hito y por incidencia.

milestone-placed = Pedido realizado
milestone-placed-explain = Hemos recibido tu pedido.
milestone-confirmed = Pedido confirmado
milestone-confirmed-explain = Tu pedido está confirmado y en preparación.
milestone-released_to_warehouse = Enviado al almacén
milestone-released_to_warehouse-explain = {""}
milestone-picked = Preparado
milestone-picked-explain = {""}
milestone-packed = Empaquetado
milestone-packed-explain = Tus artículos están empaquetados y esperan al transportista.
milestone-shipped = Enviado
milestone-shipped-explain = El transportista tiene tu paquete.
milestone-in_transit = En tránsito
milestone-in_transit-explain = Tu paquete está en camino.
milestone-arrived_at_hub = En el centro de reparto local
milestone-arrived_at_hub-explain = Tu paquete ha llegado al centro de reparto cercano.
milestone-out_for_delivery = En reparto
milestone-out_for_delivery-explain = Tu paquete va hoy en el vehículo de reparto.
milestone-arriving_soon = Llega en breve
milestone-arriving_soon-explain = El repartidor está muy cerca de tu dirección.
milestone-delivered = Entregado
milestone-delivered-explain = Tu paquete ha sido entregado.

exception-delayed = Retrasado
exception-delayed-explain = Tu paquete lleva retraso. Sigue en camino y actualizaremos la fecha de entrega en cuanto lo haga el transportista.
exception-delayed-next = Sigue en camino; la nueva fecha aparecerá aquí en cuanto el transportista la indique.
exception-failed_attempt = Intento de entrega fallido
exception-failed_attempt-explain = El repartidor no pudo entregar tu paquete. Normalmente lo vuelve a intentar el siguiente día laborable.
exception-failed_attempt-next = El transportista suele volver a intentarlo el siguiente día laborable.
exception-address_issue = Problema con la dirección
exception-address_issue-explain = El transportista no ha podido encontrar o acceder a la dirección de entrega. Contacta con nosotros para corregirla.
exception-address_issue-next = Contacta con nosotros para corregir la dirección; mientras tanto, el paquete espera.
exception-damaged = Dañado en el transporte
exception-damaged-explain = Tu paquete se dañó durante el transporte. Nuestro equipo de atención al cliente te contactará para enviarte un reemplazo.
exception-damaged-next = Nuestro equipo de atención al cliente te contactará para enviarte un reemplazo.
exception-held = Retenido
exception-held-explain = El transportista tiene tu paquete retenido (por ejemplo, en aduanas o en el almacén). Volverá a moverse en cuanto se libere.
exception-held-next = Volverá a moverse cuando el transportista lo libere; esta página se actualizará entonces.
exception-returned_to_sender = Devuelto al remitente
exception-returned_to_sender-explain = Tu paquete vuelve hacia nosotros. Contacta con atención al cliente para acordar una nueva entrega o un reembolso.
exception-returned_to_sender-next = Contacta con nosotros para acordar una nueva entrega o un reembolso.
exception-cancelled = Cancelado
exception-cancelled-explain = Este pedido se ha cancelado.
exception-cancelled-next = No se enviará nada más de este pedido.
exception-condition_excursion = Alerta de condiciones
exception-condition_excursion-explain = Un sensor que viaja con tu envío detectó condiciones fuera del rango acordado. Nuestro equipo está revisando la mercancía.
exception-condition_excursion-next = Nuestro equipo está revisando la mercancía y te contactará si se ha visto afectada.
exception-receiving_discrepancy = Diferencia de cantidad en la recepción
exception-receiving_discrepancy-explain = La cantidad contada en la recepción no coincide con la enviada. Nuestro equipo lo está revisando.
exception-receiving_discrepancy-next = Nuestro equipo está revisando la diferencia.
exception-predicted_late = Lleva retraso
exception-predicted_late-explain = Es probable que tu pedido llegue después de la fecha prometida. Sigue en camino y lo estamos vigilando.
exception-predicted_late-next = Sigue en camino; lo estamos vigilando.
exception-incomplete_order = Faltan datos del pedido
exception-incomplete_order-explain = Estamos completando los datos de tu pedido antes del envío. Te contactaremos si necesitamos algo.
exception-incomplete_order-next = Te contactaremos si necesitamos algo antes del envío.

resolved-condition_excursion = Condiciones de nuevo dentro del rango
resolved-predicted_late = De nuevo a tiempo
resolved-incomplete_order = Datos del pedido completados
resolved-other = Problema resuelto

# Significados más precisos que el comprador debe leer.
meaning-available_for_pickup = Disponible para recoger
meaning-available_for_pickup-explain = Tu paquete te espera en un punto de recogida. Lleva un documento de identidad y tu número de seguimiento; se guarda durante un tiempo limitado.
meaning-delivered_to_neighbour = Entregado a un vecino
meaning-delivered_to_neighbour-explain = El repartidor dejó tu paquete a un vecino.
meaning-delivered_to_safe_place = Entregado en un lugar seguro
meaning-delivered_to_safe_place-explain = El repartidor dejó tu paquete en el lugar seguro acordado para esta dirección.
meaning-delivered_to_locker = Entregado en un casillero
meaning-delivered_to_locker-explain = Tu paquete está en un casillero de paquetería; el transportista te enviará el código para abrirlo.
meaning-lost = Perdido
meaning-lost-explain = El transportista ha perdido tu paquete. Nuestro equipo de atención al cliente te contactará para un reemplazo o un reembolso.
meaning-held_at_customs = Retenido en aduanas
meaning-held_at_customs-explain = Tu paquete está siendo revisado en aduanas. Seguirá su camino cuando se despache; puede que hagan falta aranceles o documentos.

## Frame
lang-name = Español
skip-to-content = Saltar al contenido
nav-label = Navegación principal
nav-dashboard = Panel nacional
nav-facilities = Centros
nav-persons = Personas
nav-api = API
nav-account = Mi cuenta
sign-out-as = Salir ({ $x })

## Errors
error-title = No se pudo completar
error-not-found-title = No encontrado
error-not-found = La página no existe o no está a su alcance.
error-throttled = Demasiados intentos; espere unos minutos.
error-internal = Error interno; inténtelo de nuevo. Si persiste, avise a soporte.
error-csrf = El formulario caducó o no vino de Custodia; vuelva a cargar la página.
error-status = Código { $n }
error-back-home = Volver al panel
err-required = Este dato es obligatorio.
err-too-long = El texto es demasiado largo.
err-wrong-password = La contraseña actual no es correcta.
err-same-password = La nueva contraseña debe ser distinta de la actual.
err-passwords-differ = Las dos contraseñas nuevas no coinciden.
err-too-short = La contraseña debe tener al menos 12 caracteres.
err-too-common = Esa contraseña es demasiado común.
err-contains-username = La contraseña no puede contener el usuario.
err-out-of-range = El valor está fuera del rango permitido.
err-not-a-number = Escriba un número entero.
err-negative = No puede ser negativo.
err-unknown-language = Idioma no disponible.
err-unknown-location = El lugar no existe en este centro.
err-placement-restricted = Ubicación restringida por razones de seguridad: contacte a la oficina de seguridad.
err-over-capacity = El lugar está lleno.
err-no-words = Escriba letras o cifras para buscar.

## Sign-in
login-title = Ingresar
login-intro = Sistema de registro penitenciario. Solo personal autorizado.
login-username = Usuario
login-password = Contraseña
login-submit = Ingresar
login-failed = Usuario o contraseña no válidos.
login-throttled = Demasiados intentos; espere unos minutos antes de volver a intentar.

## Account
account-title = Mi cuenta
account-grants = Mis funciones
account-no-grants = No tiene funciones asignadas.
account-role = Función
account-scope = Alcance
account-scope-national = Nacional
account-password = Cambiar contraseña
account-password-changed = Contraseña cambiada. Sus otras sesiones se cerraron.
account-current-password = Contraseña actual
account-new-password = Nueva contraseña
account-confirm-password = Repita la nueva contraseña
account-password-rule = Al menos 12 caracteres; no una contraseña común ni su usuario.
account-password-submit = Cambiar contraseña
account-tokens = Mis tokens de API
account-tokens-intro = Para que otro sistema consulte Custodia en su nombre. Cada token actúa con sus funciones.
account-token-issued = Copie el token ahora: no se volverá a mostrar.
account-no-tokens = No tiene tokens.
account-token-name = Nombre
account-token-scope = Permiso
account-token-created = Creado
account-token-expires = Vence
account-token-actions = Acciones
account-token-read-only = Solo lectura
account-token-full = Completo
account-token-revoked = Revocado el { $x }
account-token-revoke = Revocar «{ $x }»
account-token-new = Nuevo token
account-token-days = Días de validez (1 a { $n })
account-token-create = Crear token
role-national-admin = Administración nacional
role-national-operations = Operaciones nacionales
role-facility-director = Dirección de centro
role-facility-officer = Agente del centro
role-records-officer = Registro y asuntos legales
role-intelligence-analyst = Inteligencia penitenciaria
role-health-officer = Salud
role-inspector = Inspección
role-integration = Integración

## Dashboard
dashboard-title = Panel nacional
dashboard-updated = Actualizado: { $x }. Se actualiza solo cada 30 segundos.
dashboard-legal-unavailable = No se pudieron comprobar los plazos legales. Inténtelo de nuevo; si persiste, avise a soporte.
dashboard-overdue-title = { $n ->
    [one] 1 persona retenida más allá de su plazo legal
   *[other] { $n } personas retenidas más allá de su plazo legal
}
dashboard-overdue-since = venció el { $due }, hace { $days ->
    [one] 1 día
   *[other] { $days } días
}
deadline-pretrial-expiry = caducidad de la prisión preventiva
deadline-sentence-end = pena cumplida
dashboard-situation = Situación
dashboard-crises = Crisis activas
dashboard-incidents = Incidentes abiertos
dashboard-staff-held = Agentes retenidos
dashboard-not-normal = Centros sin control normal
dashboard-in-transit = Personas en traslado
dashboard-notifications = Notificaciones vencidas
dashboard-since = desde { $x }
dashboard-due = vence { $x }
dashboard-held-detail = { $held } retenidos, { $missing } desaparecidos
dashboard-facilities = Población y capacidad por centro
dashboard-facility = Centro
dashboard-on-roll = Población
dashboard-capacity = Capacidad
dashboard-occupancy = Ocupación
dashboard-unallocated = Sin celda
dashboard-transit = En traslado
dashboard-total = Total nacional
dashboard-bar-label = Ocupación { $x }
incident-type-hostage-taking = Toma de rehenes
incident-type-riot = Motín
incident-type-concerted-indiscipline = Indisciplina colectiva
incident-type-assault-on-staff = Agresión a personal
incident-type-assault-between-persons = Agresión entre PPL
incident-type-homicide = Homicidio
incident-type-death-in-custody = Muerte bajo custodia
incident-type-serious-injury = Lesión grave
incident-type-self-harm = Autolesión
incident-type-escape = Fuga
incident-type-attempted-escape = Intento de fuga
incident-type-find-of-illicit-items = Hallazgo de objetos ilícitos
incident-type-use-of-force = Uso de la fuerza
incident-type-fire = Incendio
incident-type-protest-or-hunger-strike = Protesta o huelga de hambre
incident-type-explosion-or-attack = Explosión o atentado
incident-type-staff-missing = Personal desaparecido
severity-low = baja
severity-medium = media
severity-high = alta
severity-critical = crítica
control-status-normal = normal
control-status-disturbance = alteración
control-status-partial-loss-of-control = pérdida parcial de control
control-status-lost-control = control perdido
control-status-being-retaken = en retoma

## Facilities
facilities-title = Centros
facilities-province = Provincia
facility-roll-at = Recuento al { $x }
facility-roll = Recuento
roll-total = Total en lista
roll-in-place = En celda
roll-unallocated = Sin celda asignada
roll-out = Fuera (salida temporal)
roll-overdue-back = Retorno vencido
roll-transit-in = Llegando en traslado
roll-transit-out = Saliendo en traslado
roll-escaped = Evadidos
roll-capacity = Capacidad operativa
roll-free = Plazas libres
roll-rate = Ocupación
roll-overrides = Sobre capacidad autorizada
facility-alerts = Alertas abiertas
facility-alert-count = Diferencia en conteo
facility-alert-count-detail = { $place }: contados { $counted }, esperados { $expected } ({ $at })
facility-alert-overdue-back = Retorno vencido
facility-alert-overdue-back-detail = PPL n.º { $person } ({ $kind }), debía volver { $due }
facility-units = Pabellones y celdas
facility-place = Lugar
facility-occupied = Ocupadas
facility-capacity = Capacidad
facility-free = Libres
facility-out-of-service = fuera de servicio
facility-not-in-cell = { $n ->
    [one] 1 persona fuera de celda
   *[other] { $n } personas fuera de celda
}
facility-more = { $n ->
    [one] … y 1 más.
   *[other] … y { $n } más.
}
facility-person = PPL n.º { $n }
facility-count = Registrar conteo
facility-count-place = Lugar contado
facility-count-counted = Personas contadas
facility-count-submit = Registrar conteo
facility-count-ok = Conteo registrado: coincide con los registros.
facility-count-discrepancy = Conteo registrado con diferencia: se abrió una alerta.
facility-movements-today = Movimientos de hoy
facility-no-movements = Sin movimientos hoy.
facility-when = Cuándo
facility-who = Quién
facility-what = Qué
facility-on-duty = { $n ->
    [one] 1 agente de turno
   *[other] { $n } agentes de turno
}
facility-nobody-on-duty = Nadie registrado de turno ahora.
absence-court-appearance = audiencia
absence-hospital = hospital
absence-other = otra salida
presence-placed = en celda
presence-unallocated = sin celda
presence-out = fuera
presence-in-transit = en traslado
presence-escaped = evadido
presence-ended = fin de custodia
movement-admitted = Ingreso
movement-placed = Ubicación
movement-moved = Cambio de celda
movement-released = Excarcelación
movement-transfer-dispatched = Salida en traslado
movement-transfer-received = Llegada de traslado
movement-transfer-cancelled = Traslado cancelado
movement-absence-started = Salida temporal
movement-absence-ended = Retorno
movement-escaped = Fuga
movement-recaptured = Recaptura
movement-died = Fallecimiento
staff-kind-prison-guard = ASP
staff-kind-police = Policía
staff-kind-administrative = Administrativo
staff-kind-health = Salud
staff-kind-technical = Técnico
staff-kind-other = Otro

## Persons
persons-title = Buscar personas
persons-search-label = Nombre, alias, cédula o número de registro
persons-search-submit = Buscar
persons-search-hint = Los resultados aparecen mientras escribe; no importan tildes ni pequeños errores.
persons-none = Sin resultados.
persons-name = Nombre
persons-registry = Registro
persons-facility = Centro
persons-released = liberado
persons-more = Hay más resultados: precise la búsqueda.
person-reason-title = Motivo de la consulta
person-reason-intro = Cada lectura de un expediente queda registrada con su motivo. Se le pregunta una vez por sesión.
person-reason-label = Motivo
person-reason-required = Indique el motivo de la consulta.
person-reason-transfer = Preparación de traslado
person-reason-hearing = Audiencia judicial
person-reason-visit = Gestión de visitas
person-reason-review = Revisión de expediente
person-reason-submit = Abrir expediente
person-reading-for = Consultando por: { $x }
person-reason-change = cambiar motivo
person-where = Ubicación actual
person-place-or-transfer = Ubicar, mover o trasladar
person-unallocated = sin celda asignada
person-not-in-custody = No está bajo custodia (último centro: { $x }).
person-identity = Identidad
person-given-names = Nombres
person-surnames = Apellidos
person-born = Nacimiento
person-sex = Sexo
person-nationality = Nacionalidad
person-document = Documento
person-aliases = Alias
sex-male = hombre
sex-female = mujer
document-kind-cedula = Cédula
document-kind-passport = Pasaporte
document-kind-other = Otro documento
person-legal = Situación jurídica
person-admitted = ingreso { $x }
person-released = salida { $x }
person-legal-status = Situación
legal-status-pretrial = procesado (prisión preventiva)
legal-status-sentenced = sentenciado
legal-status-other = otra orden judicial
person-pretrial-expiry = Caducidad de la prisión preventiva
person-release-date = Fecha de libertad
person-days-left = Plazo
person-days = { $n ->
    [one] queda 1 día
   *[other] quedan { $n } días
}
person-days-overdue = { $n ->
    [one] VENCIDO hace 1 día
   *[other] VENCIDO hace { $n } días
}
person-doc-kind = Documento
person-doc-case = Causa
person-doc-court = Juzgado
person-doc-issued = Emitido
person-doc-offences = Delitos
legal-document-pretrial-detention-order = Orden de prisión preventiva
legal-document-sentence = Sentencia
legal-document-other-court-order = Otra orden judicial
legal-document-suspension = Suspensión
person-health-notes = Notas de salud:
person-movements = Movimientos
person-corrections = Correcciones
person-affiliations = Grupos (inteligencia)
person-keep-apart = Reglas de separación (inteligencia)
person-none = Ninguno.
group-role-member = miembro
group-role-leader = cabecilla
group-role-associate = asociado
confidence-low = confianza baja
confidence-medium = confianza media
confidence-high = confianza alta
keep-apart-reason-rival-gang = Banda rival
keep-apart-reason-victim-and-perpetrator = Víctima y agresor
keep-apart-reason-witness = Testigo
keep-apart-reason-threat = Amenaza
keep-apart-reason-other = Otro motivo
keep-apart-scope-cell = celda
keep-apart-scope-unit = pabellón
keep-apart-scope-facility = centro

nav-admission = Ingreso
nav-transfers = Traslados

## Formularios
form-optional = (opcional)
form-one-per-line = Uno por línea.
form-problems = { $n ->
    [one] Hay un problema en el formulario:
   *[other] Hay { $n } problemas en el formulario:
}
err-unknown-person = La persona no está bajo custodia en un centro a su alcance.
err-unknown-facility = El centro no está registrado.
err-duplicate-person = La persona aparece más de una vez.
err-same-facility = La persona ya está en ese centro.
err-forbidden = No tiene permiso para esta operación.
err-nothing-to-do = Ningún traslado de la operación admite este paso.
err-not-a-date = Escriba una fecha (AAAA-MM-DD).
err-not-a-time = Escriba una fecha y hora.
err-invalid-cedula = El número de cédula no es válido: revise los dígitos.
err-cedula-shape = Una cédula tiene exactamente 10 dígitos.
err-cedula-province = Los dos primeros dígitos no son un código de provincia (01–24 o 30).
err-cedula-not-a-person = El tercer dígito debe ser menor que 6 para una persona.
err-cedula-check-digit = El dígito verificador no coincide: revise los números.
err-wrong-age-group = Este centro no puede recibir a una persona de esta edad.
err-wrong-sex = Este centro no recibe personas de este sexo.
err-identity-mismatch = La identidad no coincide con la persona registrada elegida.
err-already-in-custody = La persona ya está bajo custodia.
err-deceased = La persona falleció bajo custodia.
err-not-in-custody = La persona no está bajo custodia.
err-in-the-future = La fecha no puede estar en el futuro.

## Ingreso
admission-title = Ingreso de una persona
admission-intro = Registre el ingreso con la orden judicial que lo permite (Regla Mandela 7). Los controles se hacen mientras escribe.
admission-step-identity = 1. Centro e identidad
admission-step-order = 2. Orden judicial
admission-step-arrest = 3. Detención, lesiones y pertenencias
admission-step-record = 4. Contactos, salud y derechos
admission-facility = Centro que recibe
admission-classification = Clasificación de seguridad (dirección)
admission-admitted-at = Fecha y hora de ingreso
admission-first-surname = Primer apellido
admission-second-surname = Segundo apellido
admission-nationality = Nacionalidad (código de país, p. ej. EC)
admission-document-kind = Tipo de documento
admission-document-number = Número de documento
admission-cedula-ok = Cédula válida.
admission-wrong-age-adolescents = Persona adolescente: solo puede ingresar a un centro de adolescentes (CAI).
admission-wrong-age-adults = Persona adulta: no puede ingresar a un centro de adolescentes (CAI).
admission-suggested = Centros que pueden recibirla:
admission-no-suggestion = No hay ningún centro registrado que pueda recibirla.
admission-duplicates = { $n ->
    [one] Esta persona puede estar ya registrada:
   *[other] Esta persona puede estar ya registrada ({ $n } coincidencias):
}
admission-duplicate-same-document = mismo documento
admission-duplicate-same-name-and-birth = mismo nombre y fecha de nacimiento
admission-duplicate-held = bajo custodia en { $x }
admission-duplicate-free = no está bajo custodia
admission-link = Es { $x }
admission-confirm-new = Es otra persona: registrarla como nueva
admission-duplicates-found = Posibles duplicados: indique si es una persona ya registrada o una nueva.
admission-order-kind = Tipo de orden
admission-case-number = Número de causa
admission-court = Juzgado o tribunal
admission-judge = Juez o jueza
admission-issued-on = Fecha de la orden
admission-carried-out-on = Fecha en que se ejecutó la prisión preventiva
admission-pretrial-hint = Para prisión preventiva: el delito y la pena máxima fijan el plazo (COIP art. 541).
admission-offence = Delito
admission-offence-article = Artículo
admission-offence-max-years = Pena máxima (años)
admission-sentence-hint = Para una sentencia: la pena y el día en que empieza a cumplirse.
admission-sentence-years = Años
admission-sentence-months = Meses
admission-sentence-days = Días
admission-start-on = Inicio de la pena
admission-order-description = Descripción (otra orden judicial)
admission-arrest-at = Fecha y hora de la detención
admission-arrest-place = Lugar de la detención
admission-arrest-authority = Autoridad que detuvo
admission-injuries = Lesiones visibles
admission-complaints = Quejas o denuncias de la persona
admission-injuries-reported-to = Autoridad informada de las lesiones
admission-property = Pertenencias
admission-property-hint = Una por línea; «2 x cinturón» para varias.
admission-property-received-by = Recibidas por
admission-property-signed = La persona firmó el inventario
admission-contact-name = Contacto de emergencia
admission-contact-relationship = Parentesco
admission-contact-phone = Teléfono
admission-children = Hijos e hijas menores a cargo
admission-screening = Valoración de salud al ingreso
admission-screening-notes = Notas de salud
admission-screening-hint = Solo el personal de salud las ve.
admission-rights-informed = Se informó a la persona de sus derechos
admission-rights-language = Idioma en que se informó
admission-submit = Registrar el ingreso
admission-read-reason = Ingreso
screening-done = realizada
screening-pending = pendiente

## Ubicación
placement-title = Ubicación de { $x }
placement-admitted = Ingreso registrado. Ahora asigne una celda.
placement-facility = Centro: { $x }
placement-current = en { $x }
placement-unallocated = sin celda asignada
placement-open-file = Abrir la ficha
placement-place = Ubicar o mover dentro del centro
placement-cell-label = Celda
placement-cell = { $cell } — { $free ->
    [one] 1 libre
   *[other] { $free } libres
} de { $capacity }
placement-allowed = Ubicación permitida.
placement-choose = Elija una celda.
placement-refused = Esta ubicación no está permitida:
placement-overridable = La dirección puede autorizarla por escrito, con un motivo.
placement-rule = { $n ->
   *[other] regla n.º { $n }
}
placement-reason = Motivo
placement-occurred-at = Fecha y hora, si fue antes
placement-override = Motivo de la autorización por sobrecupo
placement-override-hint = Solo la dirección: queda registrado y se muestra en el recuento del centro.
placement-submit = Ubicar
placement-read-reason = Ubicación

## Traslados
transfer-request = Solicitar un traslado
transfer-to = Centro de destino
transfer-reason-label = Motivo
transfer-note = Nota
transfer-request-submit = Solicitar el traslado
transfer-reason-security = Seguridad
transfer-reason-overcrowding = Hacinamiento
transfer-reason-health = Salud
transfer-reason-court-order = Orden judicial
transfer-reason-family-proximity = Cercanía familiar
transfer-reason-other = Otro
transfer-status-requested = solicitado
transfer-status-approved = aprobado
transfer-status-dispatched = en tránsito
transfer-status-received = recibido
transfer-status-cancelled = cancelado
transfer-step-approve = Aprobar
transfer-step-dispatch = Despachar
transfer-step-receive = Recibir
transfer-step-cancel = Cancelar
transfers-title = Traslados
transfers-status = Estado
transfers-all = Todos
transfers-filter = Filtrar
transfers-none = No hay traslados.
transfers-person = Persona
transfers-route = Origen → destino
transfers-requested = Solicitado
transfers-actions = Acciones

nav-incidents = Incidentes
nav-crises = Crisis

## Incidentes
incidents-title = Incidentes
incidents-none = No hay incidentes.
incidents-reference = Referencia
incidents-type = Tipo
incidents-site = Lugar
incidents-when = Fecha y hora
incidents-severity = Gravedad
incidents-status = Estado
incidents-summary = Resumen
incident-report-title = Reportar un incidente
incident-report-submit = Reportar
incident-address = Dirección (fuera de un centro)
incident-province = Provincia
incident-crisis = Ver la crisis
incident-timeline = Cronología
incident-entry = Nueva anotación
incident-entry-submit = Añadir a la cronología
incident-status-submit = Cambiar el estado
incident-people = Personas involucradas
incident-casualties = Heridos y fallecidos
incident-nothing = Nada registrado.
incident-staff-member = { $n ->
   *[other] funcionario n.º { $n }
}
incident-status-reported = reportado
incident-status-active = activo
incident-status-contained = contenido
incident-status-closed = cerrado
incident-status-reopened = reabierto
timeline-kind-note = Anotación
timeline-kind-closed = Cierre
timeline-kind-person = Persona
timeline-kind-casualty = Víctima
timeline-kind-seizure = Decomiso
timeline-kind-status = Estado
timeline-kind-hostages-taken = Rehenes tomados
timeline-kind-hostages-released = Rehenes liberados
timeline-kind-staff-status = Situación del personal
involvement-perpetrator = presunto autor
involvement-victim = víctima
involvement-hostage-taker = captor
involvement-injured = herido
involvement-deceased = fallecido
involvement-witness = testigo
casualty-injured = herido
casualty-seriously-injured = herido grave
casualty-deceased = fallecido
notification-status-pending = pendiente
notification-status-done = hecha
notifications-title = Notificaciones obligatorias
notifications-intro = Avisos que la ley exige (familia, juez, Defensoría), con su plazo. Las vencidas aparecen primero.
notifications-none = No hay notificaciones pendientes.
notifications-due = Plazo
notifications-recipient = Destinatario
notifications-done = Realizada
notifications-overdue = vencida
notifications-channel = Medio (teléfono, oficio…)
notifications-notified = A quién se notificó
notifications-mark-done = Marcar como hecha

## Crisis
crises-title = Crisis
crises-none = No hay crisis registradas.
crises-name = Nombre
crises-started = Inicio
crises-status = Estado
crises-sites = Lugares
crises-open = Abrir una crisis
crises-summary = Resumen
crises-incidents = Incidentes que agrupa
crises-no-incidents = No hay incidentes abiertos sin crisis.
crises-open-submit = Abrir la crisis
crisis-since = Desde { $x }
crisis-status-active = activa
crisis-status-closed = cerrada
board-at = Situación del personal a las { $x } (se actualiza sola)
board-on-duty = De servicio
board-accounted-for = Localizados
board-held = Retenidos
board-released = Liberados
board-injured = Heridos
board-missing = Desaparecidos
board-deceased = Fallecidos
board-no-staff = No hay personal registrado de servicio en este lugar.
board-select = Seleccionar
board-staff = Funcionario
board-kind = Cuerpo
board-status = Situación
board-since = Desde
board-circumstances = Circunstancias
board-release-all = Todos los que siguen retenidos aquí
board-take = Marcar como retenidos
board-release = Marcar como liberados
staff-status-accounted-for = localizado
staff-status-held = retenido
staff-status-released = liberado
staff-status-injured = herido
staff-status-missing = desaparecido
staff-status-deceased = fallecido

nav-statistics = Estadísticas

## Estadísticas
stats-title = Estadísticas
stats-months = Meses
stats-download = Descargar los datos (CSV)
stats-facility = Centro
stats-capacity = Capacidad
stats-national = Nacional
stats-held = Personas
stats-rate = Ocupación
stats-cause = Causa
stats-count = Número
stats-category = Categoría
stats-population = Población privada de libertad a fin de cada mes
stats-population-summary = personas bajo custodia a fin de mes, frente a la capacidad de hoy; en rojo los meses sobre la capacidad
stats-occupancy = Ocupación por centro, hoy
stats-occupancy-summary = personas bajo custodia en cada centro; la marca roja es su capacidad
stats-pretrial = Prisión preventiva: { $x } del total
stats-pretrial-summary = personas en cada centro según su situación jurídica
stats-deaths = Muertes bajo custodia por causa
stats-deaths-summary = muertes registradas en el periodo, por causa
stats-seizures = Decomisos por categoría
stats-seizures-summary = objetos decomisados en el periodo, por categoría
death-cause-natural = Natural
death-cause-suicide = Suicidio
death-cause-accident = Accidente
death-cause-violence-in-riot = Violencia en un motín
death-cause-other-violence = Otra violencia
death-cause-undetermined = Sin determinar
item-category-firearm = Armas de fuego
item-category-ammunition = Munición
item-category-bladed-weapon = Armas blancas
item-category-explosive = Explosivos
item-category-grenade = Granadas
item-category-mobile-phone = Teléfonos móviles
item-category-sim-card = Tarjetas SIM
item-category-radio = Radios
item-category-drugs = Drogas
item-category-cash = Dinero
item-category-other = Otros

nav-admin = Administración

## Administración
admin-users = Usuarios
admin-facilities = Centros y lugares
admin-national = nacional
admin-username = Usuario
admin-display-name = Nombre
admin-password = Contraseña inicial
admin-state = Estado
admin-active = activo
admin-disabled = desactivado
admin-role = Rol
admin-facility = Centro
admin-facility-hint = Sin centro, el rol es nacional. Los roles de centro necesitan uno.
admin-grant = Otorgar
admin-disable = Desactivar a { $x }
admin-new-user = Nuevo usuario
admin-create-user = Crear el usuario
admin-code = Código
admin-name = Nombre
admin-kind = Tipo
admin-city = Ciudad
admin-timezone = Zona horaria (p. ej. America/Guayaquil)
admin-holds-sex = Recibe
admin-holds-age = Edad
admin-holds-legal-status = Situación jurídica
admin-security-levels = Niveles de seguridad
admin-security-level = Nivel de seguridad
admin-edit-facility = Editar los datos del centro
admin-new-facility = Nuevo centro
admin-create-facility = Registrar el centro
admin-import = Importar centros y lugares
admin-import-intro = Archivos CSV o JSON, como los de la línea de comandos: todo o nada; cada fila con error se indica con su archivo y línea.
admin-import-files = Archivos
admin-import-submit = Importar
admin-import-no-file = Elija al menos un archivo.
admin-import-unreadable = No se pudo leer el archivo enviado.
admin-import-rejected = { $n ->
    [one] No se importó nada: una fila tiene un error.
   *[other] No se importó nada: { $n } filas tienen errores.
}
admin-imported = Importados { $facilities } centros y { $locations } lugares.
admin-locations-of = Lugares de { $x }
admin-see-roll = Ver el recuento
admin-service = Servicio
admin-capacity-of = Capacidad operativa de { $x }
admin-save = Guardar
admin-in-service = Volver a servicio
admin-out-of-service = Fuera de servicio
admin-oos-reason = Motivo
admin-new-location = Nuevo lugar
admin-parent = Dentro de
admin-design-capacity = Capacidad de diseño
admin-operational-capacity = Capacidad operativa
admin-create-location = Crear el lugar
holds-sex-men = hombres
holds-sex-women = mujeres
holds-sex-both = hombres y mujeres (en lugares separados)
holds-age-adults = personas adultas
holds-age-adolescents = adolescentes
security-level-maximum = máxima
security-level-medium = media
security-level-minimum = mínima
holds-legal-status-pretrial = procesados
holds-legal-status-sentenced = sentenciados
holds-legal-status-both = ambos
oos-reason-riot-damage = daños por motín
oos-reason-security-sealed = clausurado por seguridad
oos-reason-maintenance = mantenimiento
oos-reason-staff-shortage = falta de personal
oos-reason-sanitary = razones sanitarias
oos-reason-other = otro motivo

nav-searches = Requisas

## Requisas y decomisos
searches-title = Requisas y decomisos
searches-none = No hay requisas registradas.
searches-kind = Tipo de requisa
searches-reason = Motivo
searches-items = Objetos
searches-new = Registrar una requisa
searches-locations = Lugares requisados
searches-locations-hint = Códigos de los lugares, separados por comas (p. ej. PAB-A-C001).
searches-team = Equipo
searches-team-hint = Una persona por línea: «nombre, función».
searches-authorised-by = Autorizada por
searches-started = Inicio
searches-ended = Fin
searches-person = Requisa de una persona (Reglas Mandela 50–52)
searches-person-id = Número de la persona
searches-same-sex = Por personal del mismo sexo
searches-in-private = En privado
searches-intrusive = Requisa invasiva
searches-health-professional = Profesional de salud que la hizo
searches-intrusive-reason = Motivo de la requisa invasiva
searches-record = Registrar la requisa
search-kind-cell = celdas
search-kind-area = área
search-kind-person = persona
search-title = Requisa n.º { $x }
search-authorised = autorizada por { $x }
search-places = Lugares requisados: { $x }
search-team = equipo: { $x }
search-items = Objetos decomisados y cadena de custodia
search-no-items = No se decomisó nada.
search-found = hallado { $x }
search-holder = en poder de { $x }
search-to-name = Entregar a
search-to-office = Dependencia
search-purpose = Motivo de la entrega
search-disposal = Destino final
search-hand-over = Registrar la entrega
search-seize = Registrar un objeto decomisado
search-description = Descripción
search-quantity = Cantidad
search-drug-kind = Tipo de droga
search-grams = Gramos
search-currency = Moneda
search-amount = Monto
search-found-place = Dónde se halló
search-holder-name = Quién lo custodia
search-holder-office = Dependencia
search-seize-submit = Registrar el decomiso
drug-kind-cannabis = marihuana
drug-kind-cocaine = cocaína
drug-kind-cocaine-base = pasta base
drug-kind-heroin = heroína
drug-kind-synthetic = sintética
drug-kind-other = otra
disposal-destroyed = destruido
disposal-handed-to-prosecutor = entregado a Fiscalía
disposal-returned = devuelto

## Operaciones masivas
operation-new = Nueva operación de traslado masivo
operation-intro = Varias personas en una operación, validadas juntas: si un traslado no es posible, no se crea ninguno y se indica cada línea con problema.
operation-name = Nombre de la operación
operation-moves = Traslados
operation-moves-hint = Uno por línea: número de persona, centro de destino y, si se conoce, el código del lugar (p. ej. «1234, CPL-AZ-1, PAB-B-C010»).
operation-create = Validar y crear la operación
operation-refused = { $n ->
    [one] No se creó la operación: un traslado no es posible.
   *[other] No se creó la operación: { $n } traslados no son posibles.
}
operation-line-problem = Línea { $line }: { $problem }
operation-line-unreadable = Línea { $line }: no se entiende «{ $text }».
operation-step-approve = Aprobar toda la operación
operation-step-dispatch = Despachar todos
operation-step-receive = Recibir todos
operation-step-cancel = Cancelar la operación
dashboard-overdue-all = { $n ->
   *[other] Ver los { $n } plazos vencidos
}
deadlines-title = Plazos legales vencidos
deadlines-pages = Páginas
deadlines-previous = ← Anterior
deadlines-next = Siguiente →
deadlines-page = Página { $page } de { $pages }

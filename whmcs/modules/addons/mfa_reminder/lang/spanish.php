<?php
/**
 * Spanish admin-area strings of the MFA Reminder addon. Strings with %s
 * are sprintf formats, where %% prints a percent sign.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

$_ADDONLANG['intro'] = 'Adopción de la autenticación de dos factores (MFA) entre los usuarios de las cuentas de cliente incluidas, según el recuento del servicio mfa-reminder.';
$_ADDONLANG['column_total'] = 'Usuarios incluidos';
$_ADDONLANG['column_with_mfa'] = 'Con MFA';
$_ADDONLANG['column_without_mfa'] = 'Sin MFA';
$_ADDONLANG['column_adoption'] = 'Adopción';
$_ADDONLANG['row_all'] = 'Todos los usuarios';
$_ADDONLANG['row_owners'] = 'Titulares de cuenta';
$_ADDONLANG['row_sub_users'] = 'Subusuarios';
$_ADDONLANG['percent'] = '%s %%';
$_ADDONLANG['client_statuses'] = 'Estados de cliente incluidos: %s';
$_ADDONLANG['daemon_address'] = 'Dirección del servicio: %s';
$_ADDONLANG['error_url'] = 'La URL del sidecar está vacía o no es una dirección http:// o https://. Introduzca la dirección del servicio mfa-reminder, por ejemplo http://127.0.0.1:8087, en los ajustes del addon (System Settings > Addon Modules > MFA Reminder > Configure).';
$_ADDONLANG['error_token'] = 'El token de API está vacío. Introduzca el valor MFA_REMINDER_API_TOKEN del servicio mfa-reminder en los ajustes del addon (System Settings > Addon Modules > MFA Reminder > Configure).';
$_ADDONLANG['error_unreachable'] = 'Sin respuesta del servicio mfa-reminder en %s (%s). Compruebe la URL del sidecar en los ajustes del addon y que "mfa-reminder serve" está en marcha y escucha en esa dirección.';
$_ADDONLANG['error_unauthorized'] = 'El servicio mfa-reminder en %s rechazó el token de API (HTTP 401). Ponga en los ajustes del addon el valor MFA_REMINDER_API_TOKEN de "mfa-reminder serve".';
$_ADDONLANG['error_status'] = 'El servicio mfa-reminder en %s respondió HTTP %s a la petición de cifras. Consulte el registro del servicio.';
$_ADDONLANG['daemon_message'] = 'Mensaje del servicio: %s';
$_ADDONLANG['error_response'] = 'El servicio en %s devolvió las cifras en un formato desconocido. Compruebe que la URL del sidecar en los ajustes del addon apunta a "mfa-reminder serve" y no a otro servicio.';
$_ADDONLANG['error_exception'] = 'No se pudo mostrar la página MFA Reminder: %s';
$_ADDONLANG['sso_button'] = 'Abrir el panel';
$_ADDONLANG['sso_button_hint'] = 'Abre el panel en %s en una pestaña nueva e inicia su sesión como %s. Cada clic crea un enlace de inicio de sesión nuevo, válido durante 60 segundos y de un solo uso.';
$_ADDONLANG['sso_fallback_url'] = 'El ajuste Dashboard URL del addon está vacío, así que el botón usa la URL del sidecar. Si los navegadores de los administradores no pueden acceder a esa dirección, introduzca la dirección pública del panel, por ejemplo https://billing.example.net/mfa/, como Dashboard URL.';
$_ADDONLANG['sso_secret_missing'] = 'El botón «Abrir el panel» no está disponible porque el secreto SSO está vacío. Asigne a SSO Secret, en los ajustes del addon (System Settings > Addon Modules > MFA Reminder > Configure), el valor MFA_REMINDER_SSO_SECRET del servicio mfa-reminder. El comando «mfa-reminder gen-secret» muestra un secreto nuevo para ambos.';
$_ADDONLANG['sso_secret_short'] = 'El botón «Abrir el panel» no está disponible porque el secreto SSO tiene menos de 32 bytes. Asigne a SSO Secret, en los ajustes del addon (System Settings > Addon Modules > MFA Reminder > Configure), el valor MFA_REMINDER_SSO_SECRET del servicio mfa-reminder, que debe tener al menos 32 bytes. El comando «mfa-reminder gen-secret» muestra un secreto nuevo para ambos.';
$_ADDONLANG['sso_url_missing'] = 'El botón «Abrir el panel» no está disponible porque Dashboard URL y Sidecar URL están vacíos. Introduzca como Dashboard URL, en los ajustes del addon (System Settings > Addon Modules > MFA Reminder > Configure), la dirección en la que los navegadores de los administradores acceden al panel, por ejemplo https://billing.example.net/mfa/.';
$_ADDONLANG['sso_url_invalid'] = 'El botón «Abrir el panel» no está disponible porque la dirección del panel %s no es una URL http:// o https://, o contiene una cadena de consulta, un fragmento o espacios. Introduzca como Dashboard URL, en los ajustes del addon (System Settings > Addon Modules > MFA Reminder > Configure), la dirección en la que los navegadores de los administradores acceden al panel, por ejemplo https://billing.example.net/mfa/.';
$_ADDONLANG['sso_admin_missing'] = 'El botón «Abrir el panel» no está disponible porque no se encontró la cuenta de administrador de esta sesión (ID de administrador %s). Vuelva a iniciar sesión en el área de administración de WHMCS.';
$_ADDONLANG['sso_form_expired'] = 'El panel no se abrió porque la solicitud no incluía el token de formulario de esta página. Esto ocurre cuando la sesión de WHMCS ha cambiado desde que se cargó la página o cuando otro sitio envió la solicitud. Vuelva a hacer clic en «Abrir el panel».';
$_ADDONLANG['sso_failed'] = 'No se pudo crear el enlace de inicio de sesión del panel. El registro de módulos de WHMCS contiene el error cuando el registro de depuración de módulos está activado.';
$_ADDONLANG['sso_continue'] = 'Abrir el panel';
$_ADDONLANG['sso_continue_hint'] = 'Este enlace de inicio de sesión es válido durante 60 segundos y funciona una sola vez. Después, vuelva a cargar la página MFA Reminder y haga clic de nuevo en «Abrir el panel».';

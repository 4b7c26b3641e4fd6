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

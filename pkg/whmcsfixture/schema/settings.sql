-- tblconfiguration rows that a WHMCS 8 install has and mfa-reminder reads.
-- The Version row is added by the fixture code, because it depends on the schema loaded.
INSERT INTO `tblconfiguration` (`setting`, `value`) VALUES
('Language', 'English'),
('CompanyName', 'Example Hosting'),
('Email', 'support@example-hosting.test'),
('Domain', 'https://www.example-hosting.test/'),
('LogoURL', ''),
('SystemURL', 'https://billing.example-hosting.test/'),
('Charset', 'utf-8'),
('RouteUriPathMode', 'basic'),
('Signature', 'Example Hosting Support\r\nhttps://www.example-hosting.test/'),
('SystemEmailsFromName', 'Example Hosting'),
('SystemEmailsFromEmail', 'noreply@example-hosting.test'),
('AllowLanguageChange', 'on'),
('CutUtf8Mb4', 'on'),
('2fasettings', 'a:3:{s:7:"modules";a:1:{s:4:"totp";a:2:{s:13:"clientenabled";i:1;s:12:"adminenabled";i:1;}}s:11:"forceclient";i:0;s:10:"forceadmin";i:0;}'),
('EmailCSS', 'body,#bodyTable{height:100%!important;margin:0;padding:0;width:100%!important;background-color:#f2f2f2}\r\n#templateContainer{border:1px solid #ddd;background-color:#fff}\r\n.bodyContent{color:#505050;font-family:Helvetica,Arial,sans-serif;font-size:14px;line-height:150%;padding:20px}\r\n.bodyContent a{color:#336699}\r\n.footerContent{color:#707070;font-family:Helvetica,Arial,sans-serif;font-size:11px;line-height:125%;padding:20px}'),
('EmailGlobalHeader', '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\r\n<html xmlns="http://www.w3.org/1999/xhtml">\r\n<head>\r\n<meta http-equiv="Content-Type" content="text/html; charset={$charset}" />\r\n<style type="text/css">[EmailCSS]</style>\r\n</head>\r\n<body leftmargin="0" marginwidth="0" topmargin="0" marginheight="0" offset="0">\r\n<table border="0" cellpadding="0" cellspacing="0" width="100%" id="bodyTable"><tr><td align="center" valign="top">\r\n<table border="0" cellpadding="0" cellspacing="0" width="600" id="templateContainer">\r\n<tr><td align="center" valign="top" id="templateHeader"><a href="{$company_domain}">{if $company_logo_url}<img src="{$company_logo_url}" style="max-width:600px" alt="{$company_name}" />{else}<h1>{$company_name}</h1>{/if}</a></td></tr>\r\n<tr><td valign="top" class="bodyContent">\r\n'),
('EmailGlobalFooter', '\r\n</td></tr>\r\n<tr><td valign="top" class="footerContent">\r\n<a href="{$company_domain}">Visit our website</a> | <a href="{$whmcs_url}">Log in to your account</a> | <a href="{$whmcs_url}submitticket.php">Get support</a><br />\r\nCopyright &copy; {$company_name}, All rights reserved.\r\n</td></tr>\r\n</table>\r\n</td></tr></table>\r\n</body>\r\n</html>');

-- Two of WHMCS's own client templates, so the table is not empty.
INSERT INTO `tblemailtemplates` (`type`, `name`, `subject`, `message`, `attachments`, `fromname`,
  `fromemail`, `disabled`, `custom`, `language`, `copyto`, `blind_copy_to`, `plaintext`) VALUES
('general', 'Client Signup Email', 'Welcome', '<p>Dear {$client_first_name},</p>\r\n<p>Thank you for signing up with us. Log in to our client area at <a href="{$whmcs_url}">{$whmcs_url}</a>.</p>\r\n<p>{$signature}</p>', '', '', '', 0, 0, '', '', '', 0),
('user', 'Password Reset Validation', 'Password Reset Validation', '<p>Someone requested a password reset for your account.</p>\r\n<p><a href="{$reset_password_url}">Reset your password</a></p>\r\n<p>{$signature}</p>', '', '', '', 0, 0, '', '', '', 0);

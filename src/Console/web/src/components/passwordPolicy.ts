/** The server's password rules (ASP.NET Identity options in the host), said once for every form that sets a password. */
export const passwordPolicy = '至少 8 位，须含大写字母、小写字母、数字和符号。';

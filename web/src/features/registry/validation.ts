/** Client-side checks mirroring the server's rules for registry forms (server/tenants/tenants.dto.ts). */

const NAME = /^[\w.-]{1,64}$/;
const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,253})$|^\[?[0-9A-Fa-f:]+\]?$/;
const ADDRESS = /^[A-Za-z0-9.:[\]-]{1,253}:(\d{1,5})$/;

export const NAME_MAX = 64;
export const USER_MAX = 128;
export const PASSWORD_MAX = 256;
export const DESCRIPTION_MAX = 255;

/** 1–64 letters, digits, ".", "-" or "_". */
export function isValidName(name: string): boolean {
  return NAME.test(name);
}

export function isValidHost(host: string): boolean {
  return HOST.test(host);
}

export function isValidPort(port: unknown): boolean {
  const n = typeof port === 'string' && /^\d{1,5}$/.test(port.trim()) ? Number(port) : port;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;
}

/** `host:port` with a port from 1 to 65535. */
export function isValidAddress(address: string): boolean {
  const m = ADDRESS.exec(address);
  return m !== null && isValidPort(Number(m[1]));
}

/** Where the Proxmox-style routes live (paths in the document are absolute, as the API mounts them). */
export const API_BASE = '/api2/json';

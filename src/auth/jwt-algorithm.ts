/** The one algorithm the server signs and accepts. */
export const JWT_ALGORITHM = 'HS256';

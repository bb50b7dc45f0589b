import type { NextFunction, Request, Response } from 'express';
import type { AuthService } from '../auth/auth.service';
import { AppError } from '../common/errors';
import { SESSION_COOKIE } from './access.guard';

/** The API documentation for signed-in users only (unless API_DOCS_PUBLIC=true). */
export function docsSignInRequired(auth: AuthService) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const token = (req.cookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE];
    const found = typeof token === 'string' ? auth.principalFor(token) : Promise.resolve(null);
    found.then(
      (p) => {
        if (p) return next();
        res.status(401).json(new AppError('UNAUTHENTICATED', 'Sign in first to read the API documentation').toBody());
      },
      (err: unknown) => next(err),
    );
  };
}

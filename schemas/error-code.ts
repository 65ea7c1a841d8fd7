import { z } from 'zod';
import { ERRORS, type ErrorCode } from './errors.js';

export const ErrorCodeSchema = z.enum(Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]]);
